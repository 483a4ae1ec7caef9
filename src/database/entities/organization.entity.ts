import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { OrganizationKind, OrganizationStatus } from '../../common/domain.enums';

@Entity({ name: 'organizations' })
@Check('organizations_clearance_cap_check', `"clearance_cap" BETWEEN 0 AND 4`)
@Check('organizations_kind_check', `"kind" IN ('HOST', 'PARTNER', 'CLIENT')`)
@Check('organizations_status_check', `"status" IN ('ACTIVE', 'SUSPENDED')`)
@Index('organizations_single_host', ['kind'], { unique: true, where: `"kind" = 'HOST'` })
export class Organization {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text')
  kind: OrganizationKind;

  /** Verified email domains, lower-case. */
  @Column('text', { array: true, default: () => "'{}'" })
  domains: string[];

  @Column('smallint', { name: 'clearance_cap' })
  clearanceCap: number;

  @Column('text')
  status: OrganizationStatus;

  @Column('uuid', { name: 'sponsor_id', nullable: true })
  sponsorId: string | null;

  /** When and why the kill switch was last thrown; cleared on reactivation. */
  @Column('timestamptz', { name: 'suspended_at', nullable: true })
  suspendedAt: Date | null;

  @Column('text', { name: 'suspension_reason', nullable: true })
  suspensionReason: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
