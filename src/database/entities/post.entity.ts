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
import { Space } from './space.entity';
import { User } from './user.entity';

@Entity({ name: 'posts' })
@Index('posts_space_created_idx', ['spaceId', 'createdAt', 'id'])
@Index('posts_created_idx', ['createdAt', 'id'])
@Index('posts_author_idx', ['authorId'])
@Check('posts_label_check', `"label" BETWEEN 0 AND 4`)
export class Post {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'space_id' })
  spaceId: string;

  @Column('uuid', { name: 'author_id' })
  authorId: string;

  /** The author's organisation, kept with the row for the HUB rule (composite foreign key). */
  @Column('uuid', { name: 'author_organization_id' })
  authorOrganizationId: string;

  @ManyToOne(() => Space, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'space_id', foreignKeyConstraintName: 'posts_space_fk' })
  space?: Space;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'author_id', referencedColumnName: 'id', foreignKeyConstraintName: 'posts_author_fk' },
    { name: 'author_organization_id', referencedColumnName: 'organizationId' },
  ])
  author?: User;

  @Column('text')
  title: string;

  @Column('text')
  body: string;

  /** Sensitivity 0-4; never below the space's classification (enforced by a trigger). */
  @Column('smallint')
  label: number;

  @Column('boolean', { default: false })
  hidden: boolean;

  @Column('uuid', { name: 'hidden_by_id', nullable: true })
  hiddenById: string | null;

  @Column('timestamptz', { name: 'hidden_at', nullable: true })
  hiddenAt: Date | null;

  /** Why moderation hid it: read by those who read hidden posts (the space's OWNERs and ANIMATORs). */
  @Column('text', { name: 'hidden_reason', nullable: true })
  hiddenReason: string | null;

  /** The last edit; the versions it replaced are in content_revisions. */
  @Column({ type: 'timestamptz', name: 'edited_at', precision: 3, nullable: true })
  editedAt: Date | null;

  /** The author deleted it: a tombstone, title and body erased, its comments kept. */
  @Column({ type: 'timestamptz', name: 'deleted_at', precision: 3, nullable: true })
  deletedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
