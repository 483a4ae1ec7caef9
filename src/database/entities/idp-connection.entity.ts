import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Organization } from './organization.entity';
import { ConnectionStatus, SsoBinding } from '../../common/domain.enums';

/** How IdP attributes map onto a user; values are attribute names (friendly, urn:oid: or claim URIs). */
export interface AttributeMapping {
  email?: string[];
  givenName?: string[];
  surname?: string[];
  displayName?: string[];
  groups?: string[];
  /** Group value -> host role; honoured for the host organisation's connections only. */
  groupRoles?: Record<string, string>;
  /** Mapped attributes a sign-in must carry (email always is). */
  required?: MappedAttribute[];
}

export type MappedAttribute = 'email' | 'givenName' | 'surname' | 'displayName' | 'groups';

@Entity({ name: 'idp_connections' })
@Index('idp_connections_org_entity_key', ['organizationId', 'idpEntityId'], { unique: true })
@Check('idp_connections_status_check', `"status" IN ('ACTIVE', 'DISABLED')`)
@Check('idp_connections_binding_check', `"sso_binding" IN ('REDIRECT', 'POST')`)
export class IdpConnection {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'organization_id' })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'idp_connections_organization_fk' })
  organization?: Organization;

  @Column('text')
  name: string;

  @Column('text', { name: 'idp_entity_id' })
  idpEntityId: string;

  @Column('text', { name: 'sso_url' })
  ssoUrl: string;

  @Column('text', { name: 'sso_binding' })
  ssoBinding: SsoBinding;

  @Column('text', { name: 'slo_url', nullable: true })
  sloUrl: string | null;

  /** PEM certificates; several at once during a rotation. */
  @Column('text', { name: 'signing_certificates', array: true })
  signingCertificates: string[];

  @Column('text', { name: 'metadata_url', nullable: true })
  metadataUrl: string | null;

  @Column('timestamptz', { name: 'metadata_refreshed_at', nullable: true })
  metadataRefreshedAt: Date | null;

  /** Why the last scheduled metadata refresh failed; null once one succeeds. */
  @Column('text', { name: 'metadata_refresh_error', nullable: true })
  metadataRefreshError: string | null;

  /** The IdP metadata the connection was built from, as imported. */
  @Column('text', { name: 'metadata_xml', nullable: true })
  metadataXml: string | null;

  /** The SP's signing certificate for this connection (AuthnRequests, LogoutRequests). */
  @Column('text', { name: 'sp_certificate', nullable: true })
  spCertificate: string | null;

  /** The SP's private key, sealed with encryptSecret; never leaves the server. */
  @Column('text', { name: 'sp_private_key', nullable: true })
  spPrivateKey: string | null;

  /** Built-in demo IdPs only: the demo IdP's private key, sealed with encryptSecret. */
  @Column('text', { name: 'demo_idp_private_key', nullable: true })
  demoIdpPrivateKey: string | null;

  @Column('jsonb', { name: 'attribute_mapping', default: () => "'{}'" })
  attributeMapping: AttributeMapping;

  /** Email domains this IdP may assert: a subset of its organisation's verified domains. */
  @Column('text', { name: 'allowed_domains', array: true })
  allowedDomains: string[];

  @Column('boolean', { name: 'allow_idp_initiated', default: false })
  allowIdpInitiated: boolean;

  @Column('boolean', { name: 'want_assertions_signed', default: true })
  wantAssertionsSigned: boolean;

  @Column('boolean', { name: 'want_response_signed', default: false })
  wantResponseSigned: boolean;

  @Column('text')
  status: ConnectionStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** Not stored: expired certificates the last metadata read skipped, for the caller's warnings. */
  skippedCertificates?: {
    fingerprint: string;
    subject: string;
    notAfter: string;
    reason: 'expired';
    warning: string;
  }[];
}
