import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from './user.entity';
import { Post } from './post.entity';
import { Comment } from './comment.entity';

@Entity({ name: 'reactions' })
@Index('reactions_post_author_kind_key', ['postId', 'authorId', 'kind'], {
  unique: true,
  where: '"comment_id" IS NULL',
})
@Index('reactions_comment_author_kind_key', ['commentId', 'authorId', 'kind'], {
  unique: true,
  where: '"comment_id" IS NOT NULL',
})
@Index('reactions_post_idx', ['postId', 'createdAt', 'id'])
@Index('reactions_author_idx', ['authorId'])
export class Reaction {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'post_id' })
  postId: string;

  @Column('uuid', { name: 'author_id' })
  authorId: string;

  @Column('uuid', { name: 'author_organization_id' })
  authorOrganizationId: string;

  /** Null for a reaction to the post itself; else the comment (of that post) it answers. */
  @Column('uuid', { name: 'comment_id', nullable: true })
  commentId: string | null;

  @ManyToOne(() => Comment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'comment_id', foreignKeyConstraintName: 'reactions_comment_fk' })
  comment?: Comment;

  @ManyToOne(() => Post, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'post_id', foreignKeyConstraintName: 'reactions_post_fk' })
  post?: Post;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn([
    { name: 'author_id', referencedColumnName: 'id', foreignKeyConstraintName: 'reactions_author_fk' },
    { name: 'author_organization_id', referencedColumnName: 'organizationId' },
  ])
  author?: User;

  /** A short emoji or keyword, e.g. "+1". */
  @Column('text')
  kind: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
