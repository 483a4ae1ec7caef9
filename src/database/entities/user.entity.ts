import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { Organization } from './organization.entity';
import { Locale, UserRole, UserStatus } from '../../common/domain.enums';

@Entity({ name: 'users' })
@Unique('users_id_organization_key', ['id', 'organizationId'])
@Index('users_email_key', ['email'], { unique: true })
@Index('users_organization_idx', ['organizationId'])
@Check('users_clearance_check', `"clearance" BETWEEN 0 AND 4`)
@Check('users_status_check', `"status" IN ('ACTIVE', 'DISABLED')`)
@Check('users_email_lower_check', `"email" = lower("email")`)
@Check('users_locale_check', `"locale" IN ('fr', 'en')`)
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'organization_id' })
  organizationId: string;

  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'users_organization_fk' })
  organization?: Organization;

  /** Stored lower-case; unique across the gateway. */
  @Column('text')
  email: string;

  @Column('text', { name: 'display_name' })
  displayName: string;

  @Column('text', { name: 'job_title', nullable: true })
  jobTitle: string | null;

  /** Free tags for the directory of experts. */
  @Column('text', { array: true, default: () => "'{}'" })
  skills: string[];

  /** A short presentation for the directory of experts, written by its owner. */
  @Column('text', { default: '' })
  bio: string;

  /** The person keeps their profile out of externals' directory searches. */
  @Column('boolean', { name: 'hidden_from_externals', default: false })
  hiddenFromExternals: boolean;

  @Column('smallint')
  clearance: number;

  @Column('text')
  status: UserStatus;

  @Column('text', { array: true, default: () => "'{}'" })
  roles: UserRole[];

  /** The language of mails and notices: French unless the person chose English. */
  @Column('text', { default: Locale.FR })
  locale: Locale;

  /** When and why the user was last disabled; cleared when enabled again. */
  @Column('timestamptz', { name: 'disabled_at', nullable: true })
  disabledAt: Date | null;

  @Column('text', { name: 'disabled_reason', nullable: true })
  disabledReason: string | null;

  @Column('timestamptz', { name: 'last_login_at', nullable: true })
  lastLoginAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
