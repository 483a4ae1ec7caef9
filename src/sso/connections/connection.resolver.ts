import { X509Certificate } from 'node:crypto';
import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ConnectionStatus } from '../../common/domain.enums';
import { CurrentViewer, Viewer } from '../../graphql/graphql-context.decorator';
import { AttributeMapping, IdpConnection, MappedAttribute } from '../../database/entities/idp-connection.entity';
import { ConnectionActor, ConnectionFields, ConnectionService } from './connection.service';
import {
  AttributeMappingModel,
  IdpConnectionModel,
  SigningCertificateModel,
  SpEndpointsModel,
} from './models/connection.model';
import { AttributeMappingInput, CreateConnectionInput, UpdateConnectionInput } from './dto/connection.input';

/**
 * IdP connections over GraphQL, under the caller's ability: HOST_ADMIN for any organisation,
 * SECURITY_REVIEWER reads, PARTNER_ADMIN its own organisation's. An invisible target is
 * NOT_FOUND like a missing one; a visible one the caller may not change is FORBIDDEN. The
 * service authorizes and audits every call.
 */
@Resolver(() => IdpConnectionModel)
export class ConnectionResolver {
  constructor(private readonly connections: ConnectionService) {}

  @Query(() => [IdpConnectionModel], { description: 'The IdP connections of an organisation.' })
  idpConnections(
    @CurrentViewer() v: Viewer,
    @Args('organizationId', { type: () => ID }) organizationId: string,
  ): Promise<IdpConnection[]> {
    return this.connections.list(actorOf(v), organizationId);
  }

  @Query(() => IdpConnectionModel)
  idpConnection(@CurrentViewer() v: Viewer, @Args('id', { type: () => ID }) id: string): Promise<IdpConnection> {
    return this.connections.get(actorOf(v), id);
  }

  @Mutation(() => IdpConnectionModel)
  createIdpConnection(@CurrentViewer() v: Viewer, @Args('input') input: CreateConnectionInput): Promise<IdpConnection> {
    return this.connections.create(actorOf(v), { ...toFields(input), organizationId: input.organizationId });
  }

  @Mutation(() => IdpConnectionModel)
  updateIdpConnection(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateConnectionInput,
  ): Promise<IdpConnection> {
    return this.connections.update(actorOf(v), id, toFields(input));
  }

  @Mutation(() => IdpConnectionModel, {
    description: 'Adds a signing certificate; old and new are both accepted until the old one is removed.',
  })
  addIdpSigningCertificate(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('certificate') certificate: string,
  ): Promise<IdpConnection> {
    return this.connections.addSigningCertificate(actorOf(v), id, certificate);
  }

  @Mutation(() => IdpConnectionModel, {
    description: 'Removes a signing certificate by SHA-256 fingerprint (or PEM); never the last one.',
  })
  removeIdpSigningCertificate(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('fingerprint') fingerprint: string,
  ): Promise<IdpConnection> {
    return this.connections.removeSigningCertificate(actorOf(v), id, fingerprint);
  }

  @Mutation(() => IdpConnectionModel)
  setIdpConnectionStatus(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('status', { type: () => ConnectionStatus }) status: ConnectionStatus,
  ): Promise<IdpConnection> {
    return this.connections.setStatus(actorOf(v), id, status);
  }

  @ResolveField(() => [SigningCertificateModel])
  signingCertificates(@Parent() c: IdpConnection): SigningCertificateModel[] {
    return c.signingCertificates.map((pem) => {
      const x = new X509Certificate(pem);
      return {
        fingerprint: x.fingerprint256,
        subject: x.subject.replace(/\n/g, ', '),
        notBefore: new Date(x.validFrom),
        notAfter: new Date(x.validTo),
        pem,
      };
    });
  }

  @ResolveField(() => AttributeMappingModel)
  attributeMapping(@Parent() c: IdpConnection): AttributeMappingModel {
    const m = c.attributeMapping ?? {};
    return {
      ...m,
      groupRoles: m.groupRoles ? Object.entries(m.groupRoles).map(([group, role]) => ({ group, role })) : undefined,
    };
  }

  @ResolveField(() => SpEndpointsModel)
  serviceProvider(@Parent() c: IdpConnection): SpEndpointsModel {
    return this.connections.endpoints(c);
  }
}

function actorOf(v: Viewer): ConnectionActor {
  return { kind: 'principal', principal: v.principal, ability: v.ability, requestId: v.ctx.req.requestId };
}

function toFields(input: UpdateConnectionInput): ConnectionFields {
  const { attributeMapping, ...rest } = input;
  return { ...rest, attributeMapping: attributeMapping ? toMapping(attributeMapping) : attributeMapping };
}

function toMapping(input: AttributeMappingInput): AttributeMapping {
  const { groupRoles, required, ...names } = input;
  return {
    ...names,
    required: required as MappedAttribute[] | undefined,
    groupRoles: groupRoles ? Object.fromEntries(groupRoles.map((g) => [g.group, g.role])) : undefined,
  };
}
