import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { PartnerVisibility, SpaceStatus } from '../../common/domain.enums';

@Entity({ name: 'spaces' })
@Check('spaces_classification_check', `"classification" BETWEEN 0 AND 4`)
@Check('spaces_status_check', `"status" IN ('PILOT', 'ACTIVE', 'ARCHIVED')`)
@Check('spaces_partner_visibility_check', `"partner_visibility" IN ('OPEN', 'HUB')`)
export class Space {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  name: string;

  @Column('text', { default: '' })
  purpose: string;

  @Column('smallint')
  classification: number;

  @Column('text')
  status: SpaceStatus;

  @Column('text', { name: 'partner_visibility' })
  partnerVisibility: PartnerVisibility;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
