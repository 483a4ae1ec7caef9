import { X509Certificate } from 'node:crypto';
import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../../access/current-principal.decorator';
import { Principal } from '../../access/principal';
import { ConnectionStatus } from '../../common/domain.enums';
import { AttributeMapping, IdpConnection, MappedAttribute } from '../idp-connection.entity';
import { ConnectionFields, ConnectionService } from './connection.service';
import { AttributeMappingModel, IdpConnectionModel, SigningCertificateModel, SpEndpointsModel } from './connection.model';
import { AttributeMappingInput, CreateConnectionInput, UpdateConnectionInput } from './dto/connection.input';

/**
 * IdP connections over GraphQL: HOST_ADMIN for any organisation, PARTNER_ADMIN for its
 * own; anyone else FORBIDDEN or NOT_FOUND. The service authorizes and audits every call.
 */
@Resolver(() => IdpConnectionModel)
export class ConnectionResolver {
  constructor(private readonly connections: ConnectionService) {}

  @Query(() => [IdpConnectionModel], { description: 'The IdP connections of an organisation.' })
  idpConnections(@CurrentPrincipal() principal: Principal, @Args('organizationId', { type: () => ID }) organizationId: string): Promise<IdpConnection[]> {
    return this.connections.list({ kind: 'principal', principal }, organizationId);
  }

  @Query(() => IdpConnectionModel)
  idpConnection(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string): Promise<IdpConnection> {
    return this.connections.get({ kind: 'principal', principal }, id);
  }

  @Mutation(() => IdpConnectionModel)
  createIdpConnection(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateConnectionInput): Promise<IdpConnection> {
    return this.connections.create({ kind: 'principal', principal }, { ...toFields(input), organizationId: input.organizationId });
  }

  @Mutation(() => IdpConnectionModel)
  updateIdpConnection(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateConnectionInput): Promise<IdpConnection> {
    return this.connections.update({ kind: 'principal', principal }, id, toFields(input));
  }

  @Mutation(() => IdpConnectionModel, { description: 'Adds a signing certificate; old and new are both accepted until the old one is removed.' })
  addIdpSigningCertificate(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('certificate') certificate: string): Promise<IdpConnection> {
    return this.connections.addSigningCertificate({ kind: 'principal', principal }, id, certificate);
  }

  @Mutation(() => IdpConnectionModel, { description: 'Removes a signing certificate by SHA-256 fingerprint (or PEM); never the last one.' })
  removeIdpSigningCertificate(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('fingerprint') fingerprint: string): Promise<IdpConnection> {
    return this.connections.removeSigningCertificate({ kind: 'principal', principal }, id, fingerprint);
  }

  @Mutation(() => IdpConnectionModel)
  setIdpConnectionStatus(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('status', { type: () => ConnectionStatus }) status: ConnectionStatus): Promise<IdpConnection> {
    return this.connections.setStatus({ kind: 'principal', principal }, id, status);
  }

  @ResolveField(() => [SigningCertificateModel])
  signingCertificates(@Parent() c: IdpConnection): SigningCertificateModel[] {
    return c.signingCertificates.map((pem) => {
      const x = new X509Certificate(pem);
      return { fingerprint: x.fingerprint256, subject: x.subject.replace(/\n/g, ', '), notBefore: new Date(x.validFrom), notAfter: new Date(x.validTo), pem };
    });
  }

  @ResolveField(() => AttributeMappingModel)
  attributeMapping(@Parent() c: IdpConnection): AttributeMappingModel {
    const m = c.attributeMapping ?? {};
    return { ...m, groupRoles: m.groupRoles ? Object.entries(m.groupRoles).map(([group, role]) => ({ group, role })) : undefined };
  }

  @ResolveField(() => SpEndpointsModel)
  serviceProvider(@Parent() c: IdpConnection): SpEndpointsModel {
    return this.connections.endpoints(c);
  }
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
