import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from './user.entity';
import { Post } from './post.entity';

@Entity({ name: 'reactions' })
@Index('reactions_post_author_kind_key', ['postId', 'authorId', 'kind'], { unique: true })
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
