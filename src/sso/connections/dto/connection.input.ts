import { Field, ID, InputType } from '@nestjs/graphql';
import { ConnectionStatus, SsoBinding } from '../../../common/domain.enums';

@InputType('IdpGroupRoleInput')
export class GroupRoleInput {
  @Field() group: string;
  @Field() role: string;
}

@InputType('IdpAttributeMappingInput')
export class AttributeMappingInput {
  @Field(() => [String], { nullable: true }) email?: string[];
  @Field(() => [String], { nullable: true }) givenName?: string[];
  @Field(() => [String], { nullable: true }) surname?: string[];
  @Field(() => [String], { nullable: true }) displayName?: string[];
  @Field(() => [String], { nullable: true }) groups?: string[];
  @Field(() => [String], { nullable: true }) required?: string[];
  @Field(() => [GroupRoleInput], { nullable: true }) groupRoles?: GroupRoleInput[];
}

@InputType('UpdateIdpConnectionInput', {
  description: 'Metadata (XML or URL) or fields; metadata wins over the fields it provides.',
})
export class UpdateConnectionInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) metadataXml?: string | null;
  @Field(() => String, { nullable: true }) metadataUrl?: string | null;
  @Field(() => String, { nullable: true }) idpEntityId?: string | null;
  @Field(() => String, { nullable: true }) ssoUrl?: string | null;
  @Field(() => SsoBinding, { nullable: true }) ssoBinding?: SsoBinding | null;
  @Field(() => String, { nullable: true }) sloUrl?: string | null;
  @Field(() => [String], { nullable: true }) signingCertificates?: string[] | null;
  @Field(() => AttributeMappingInput, { nullable: true }) attributeMapping?: AttributeMappingInput | null;
  @Field(() => [String], { nullable: true }) allowedDomains?: string[] | null;
  @Field(() => Boolean, { nullable: true }) allowIdpInitiated?: boolean | null;
  @Field(() => Boolean, { nullable: true }) wantAssertionsSigned?: boolean | null;
  @Field(() => Boolean, { nullable: true }) wantResponseSigned?: boolean | null;
  @Field(() => ConnectionStatus, { nullable: true }) status?: ConnectionStatus | null;
}

@InputType('CreateIdpConnectionInput')
export class CreateConnectionInput extends UpdateConnectionInput {
  @Field(() => ID) organizationId: string;
}
