import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AppAbility } from '../access/subjects';
import { keysetPage, SortKey } from '../graphql/keyset-page';
import { Connection, decodeCursor, PageArgs, pageSize, toConnection } from '../graphql/pagination';
import { Comment } from '../database/entities/comment.entity';
import { Post } from '../database/entities/post.entity';
import { Reaction } from '../database/entities/reaction.entity';

const NEWEST_POSTS: SortKey<Post>[] = [
  { sql: 'p.created_at', type: 'date', value: (p) => p.createdAt },
  { sql: 'p.id', type: 'uuid', value: (p) => p.id },
];
const NEWEST_COMMENTS: SortKey<Comment>[] = [
  { sql: 'c.created_at', type: 'date', value: (c) => c.createdAt },
  { sql: 'c.id', type: 'uuid', value: (c) => c.id },
];

/** Posts, comments and reactions, always through the caller's abilities. */
@Injectable()
export class PostsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  /**
   * Every post the caller reads, across all their spaces, newest first. Each space's newest
   * posts come from its own index range (one LATERAL subquery per space, the access scope
   * inside each), so the cost follows the caller's spaces, not the size of the table.
   */
  async feed(ability: AppAbility, spaceIds: readonly string[], page: PageArgs): Promise<Connection<Post>> {
    const first = pageSize(page.first);
    const after = decodeCursor(page.after, ['date', 'uuid']);
    const total = () => this.posts(ability).getCount();
    if (spaceIds.length === 0) return toConnection([], first, () => [], total);
    const perSpace = this.posts(ability).select('p.id', 'id').addSelect('p.created_at', 'created_at').andWhere('p.space_id = feed_space.id');
    if (after) perSpace.andWhere('(p.created_at, p.id) < (:afterAt, :afterId)', { afterAt: after[0], afterId: after[1] });
    perSpace.orderBy('p.created_at', 'DESC').addOrderBy('p.id', 'DESC').limit(first + 1);
    const [inner, params] = perSpace.getQueryAndParameters();
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT f.id FROM unnest($${params.length + 1}::uuid[]) AS feed_space(id)
         CROSS JOIN LATERAL (${inner}) f
        ORDER BY f.created_at DESC, f.id DESC LIMIT ${first + 1}`,
      [...params, [...spaceIds]],
    );
    const posts = await this.dataSource.getRepository(Post).findBy({ id: In(rows.map((r) => r.id)) });
    const byId = new Map(posts.map((p) => [p.id, p]));
    const ordered = rows.map((r) => byId.get(r.id)).filter((p): p is Post => p !== undefined);
    return toConnection(ordered, first, (p) => [p.createdAt, p.id], total);
  }

  inSpace(ability: AppAbility, spaceId: string, page: PageArgs): Promise<Connection<Post>> {
    return keysetPage(this.posts(ability).andWhere('p.space_id = :spaceId', { spaceId }), NEWEST_POSTS, 'DESC', page);
  }

  findVisible(ability: AppAbility, id: string): Promise<Post | null> {
    return this.posts(ability).andWhere('p.id = :id', { id }).getOne();
  }

  findManyVisible(ability: AppAbility, ids: readonly string[]): Promise<Post[]> {
    return this.posts(ability).andWhere('p.id = ANY(:ids)', { ids: [...ids] }).getMany();
  }

  /** Comments the caller sees, counted per post in one query. */
  async commentCounts(ability: AppAbility, postIds: readonly string[]): Promise<Map<string, number>> {
    const rows: { postId: string; n: string }[] = await this.comments(ability)
      .select('c.post_id', 'postId')
      .addSelect('COUNT(*)', 'n')
      .andWhere('c.post_id = ANY(:postIds)', { postIds: [...postIds] })
      .groupBy('c.post_id')
      .getRawMany();
    return new Map(rows.map((r) => [r.postId, Number(r.n)]));
  }

  /** The newest `first` comments of many posts at once (the first page of each). */
  async firstCommentPages(ability: AppAbility, postIds: readonly string[], first: number): Promise<Map<string, Comment[]>> {
    const ranked = this.comments(ability)
      .select('c.id', 'id')
      .addSelect('ROW_NUMBER() OVER (PARTITION BY c.post_id ORDER BY c.created_at DESC, c.id DESC)', 'rn')
      .andWhere('c.post_id = ANY(:postIds)', { postIds: [...postIds] });
    const rows = await this.dataSource
      .getRepository(Comment)
      .createQueryBuilder('c')
      .innerJoin(`(${ranked.getQuery()})`, 'r', 'r.id = c.id AND r.rn <= :limit', { limit: first + 1 })
      .setParameters(ranked.getParameters())
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .getMany();
    const pages = new Map<string, Comment[]>();
    for (const c of rows) pages.set(c.postId, [...(pages.get(c.postId) ?? []), c]);
    return pages;
  }

  commentsOf(ability: AppAbility, postId: string, page: PageArgs): Promise<Connection<Comment>> {
    return keysetPage(this.comments(ability).andWhere('c.post_id = :postId', { postId }), NEWEST_COMMENTS, 'DESC', page);
  }

  findVisibleComment(ability: AppAbility, id: string): Promise<Comment | null> {
    return this.comments(ability).andWhere('c.id = :id', { id }).getOne();
  }

  reactionsOf(ability: AppAbility, postId: string, page: PageArgs): Promise<Connection<Reaction>> {
    const qb = this.dataSource.getRepository(Reaction).createQueryBuilder('r').where('r.post_id = :postId', { postId });
    this.access.restrict(qb, ability, 'Reaction');
    return keysetPage(qb, [
      { sql: 'r.created_at', type: 'date', value: (r) => r.createdAt },
      { sql: 'r.id', type: 'uuid', value: (r) => r.id },
    ], 'ASC', page);
  }

  private posts(ability: AppAbility) {
    return this.access.restrict(this.dataSource.getRepository(Post).createQueryBuilder('p'), ability, 'Post');
  }

  private comments(ability: AppAbility) {
    return this.access.restrict(this.dataSource.getRepository(Comment).createQueryBuilder('c'), ability, 'Comment');
  }
}
