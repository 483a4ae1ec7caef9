import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Comment } from './comment.entity';
import { Post } from './post.entity';
import { User } from './user.entity';

/**
 * A version of a post (comment_id NULL) or of a comment that an edit replaced. Read by
 * whoever reads the item; erased with the item when its author deletes it (a tombstone).
 */
@Entity({ name: 'content_revisions' })
@Index('content_revisions_post_idx', ['postId', 'commentId', 'replacedAt'])
export class ContentRevision {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'content_revisions_pkey' })
  id: string;

  @Column('uuid', { name: 'post_id' })
  postId: string;

  @ManyToOne(() => Post, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id', foreignKeyConstraintName: 'content_revisions_post_fk' })
  post?: Post;

  @Column('uuid', { name: 'comment_id', nullable: true })
  commentId: string | null;

  @ManyToOne(() => Comment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'comment_id', foreignKeyConstraintName: 'content_revisions_comment_fk' })
  comment?: Comment;

  /** A post's title and label as they were; null for a comment. */
  @Column('text', { nullable: true })
  title: string | null;

  @Column('text')
  body: string;

  @Column('smallint', { nullable: true })
  label: number | null;

  @Column('uuid', { name: 'edited_by_id' })
  editedById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'edited_by_id', foreignKeyConstraintName: 'content_revisions_editor_fk' })
  editedBy?: User;

  /** When the edit replaced this version. */
  @Column({ type: 'timestamptz', name: 'replaced_at', precision: 3, default: () => 'now()' })
  replacedAt: Date;
}
