import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Comment } from './comment.entity';
import { Post } from './post.entity';

/**
 * Someone a post (comment_id NULL) or a comment named with `@<user id>`. `notified` says
 * whether they could read it when it was written (and were told); the author learns only
 * which of their mentions reached nobody, never why. user_id has no foreign key: an id that
 * names nobody is recorded like one the author may not reach.
 */
@Entity({ name: 'mentions' })
@Index('mentions_post_idx', ['postId', 'commentId'])
export class Mention {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'mentions_pkey' })
  id: string;

  @Column('uuid', { name: 'post_id' })
  postId: string;

  @ManyToOne(() => Post, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id', foreignKeyConstraintName: 'mentions_post_fk' })
  post?: Post;

  @Column('uuid', { name: 'comment_id', nullable: true })
  commentId: string | null;

  @ManyToOne(() => Comment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'comment_id', foreignKeyConstraintName: 'mentions_comment_fk' })
  comment?: Comment;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @Column('boolean')
  notified: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
