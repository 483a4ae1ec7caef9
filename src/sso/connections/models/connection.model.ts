import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionStatus, SsoBinding } from '../../../common/domain.enums';

registerEnumType(ConnectionStatus, { name: 'IdpConnectionStatus' });
registerEnumType(SsoBinding, {
  name: 'SsoBinding',
  description: 'How the AuthnRequest reaches the IdP: HTTP-Redirect or HTTP-POST.',
});

@ObjectType('IdpAttributeMapping', {
  description:
    'Where each profile field is read from: attribute names (friendly, urn:oid: or claim URIs), first found wins.',
})
export class AttributeMappingModel {
  @Field(() => [String], { nullable: true }) email?: string[];
  @Field(() => [String], { nullable: true }) givenName?: string[];
  @Field(() => [String], { nullable: true }) surname?: string[];
  @Field(() => [String], { nullable: true }) displayName?: string[];
  @Field(() => [String], { nullable: true }) groups?: string[];
  @Field(() => [String], { nullable: true, description: 'Mapped fields a sign-in must carry (email always is).' })
  required?: string[];
  @Field(() => [GroupRoleModel], { nullable: true, description: 'Host connections only: IdP group → host role.' })
  groupRoles?: GroupRoleModel[];
}

@ObjectType('IdpGroupRole')
export class GroupRoleModel {
  @Field() group: string;
  @Field() role: string;
}

@ObjectType('IdpSigningCertificate')
export class SigningCertificateModel {
  @Field({ description: 'SHA-256 fingerprint, as used by removeIdpSigningCertificate.' }) fingerprint: string;
  @Field() subject: string;
  @Field() notBefore: Date;
  @Field() notAfter: Date;
  @Field() pem: string;
}

@ObjectType('ServiceProviderEndpoints', { description: 'What to configure at the IdP for this connection.' })
export class SpEndpointsModel {
  @Field() entityId: string;
  @Field() metadataUrl: string;
  @Field() loginUrl: string;
  @Field() acsUrl: string;
  @Field() sloUrl: string;
}

@ObjectType('IdpConnection', {
  description: 'A SAML identity provider through which an organisation’s people sign in.',
})
export class IdpConnectionModel {
  @Field(() => ID) id: string;
  @Field(() => ID) organizationId: string;
  @Field() name: string;
  @Field() idpEntityId: string;
  @Field() ssoUrl: string;
  @Field(() => SsoBinding) ssoBinding: SsoBinding;
  @Field(() => String, { nullable: true }) sloUrl: string | null;
  @Field(() => [SigningCertificateModel]) signingCertificates: SigningCertificateModel[];
  @Field(() => String, { nullable: true }) metadataUrl: string | null;
  @Field(() => Date, { nullable: true }) metadataRefreshedAt: Date | null;
  @Field(() => String, { nullable: true }) metadataRefreshError: string | null;
  @Field(() => AttributeMappingModel) attributeMapping: AttributeMappingModel;
  @Field(() => [String]) allowedDomains: string[];
  @Field() allowIdpInitiated: boolean;
  @Field() wantAssertionsSigned: boolean;
  @Field() wantResponseSigned: boolean;
  @Field(() => ConnectionStatus) status: ConnectionStatus;
  @Field(() => SpEndpointsModel) serviceProvider: SpEndpointsModel;
  @Field() createdAt: Date;
  @Field() updatedAt: Date;
}
