import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { User } from './user.entity';
import { Post } from './post.entity';

/** A comment inherits its post's label, visibility and space. */
@Entity({ name: 'comments' })
@Index('comments_post_created_idx', ['postId', 'createdAt', 'id'])
@Index('comments_author_idx', ['authorId'])
export class Comment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'post_id' })
  postId: string;

  @Column('uuid', { name: 'author_id' })
  authorId: string;

  @Column('uuid', { name: 'author_organization_id' })
  authorOrganizationId: string;

  @ManyToOne(() => Post, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id', foreignKeyConstraintName: 'comments_post_fk' })
  post?: Post;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'author_id', referencedColumnName: 'id', foreignKeyConstraintName: 'comments_author_fk' },
    { name: 'author_organization_id', referencedColumnName: 'organizationId' },
  ])
  author?: User;

  @Column('text')
  body: string;

  /** Hidden by moderation: only the space's OWNERs and ANIMATORs read it. */
  @Column('boolean', { default: false })
  hidden: boolean;

  @Column('uuid', { name: 'hidden_by_id', nullable: true })
  hiddenById: string | null;

  @Column('timestamptz', { name: 'hidden_at', nullable: true })
  hiddenAt: Date | null;

  @Column('text', { name: 'hidden_reason', nullable: true })
  hiddenReason: string | null;

  @Column({ type: 'timestamptz', name: 'edited_at', precision: 3, nullable: true })
  editedAt: Date | null;

  /** The author deleted it: a tombstone, body erased. */
  @Column({ type: 'timestamptz', name: 'deleted_at', precision: 3, nullable: true })
  deletedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
