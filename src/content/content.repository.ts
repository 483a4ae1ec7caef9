import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, SelectQueryBuilder } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AppAbility } from '../access/subjects';
import { keysetPage, SortKey } from '../graphql/keyset-page';
import { Connection, PageArgs } from '../graphql/pagination';
import { Comment } from '../database/entities/comment.entity';
import { Post } from '../database/entities/post.entity';
import { Reaction } from '../database/entities/reaction.entity';
import { ContentRevision } from '../database/entities/content-revision.entity';

/** One emoji's count on one post or comment, as the caller sees it. */
export interface ReactionCountRow {
  targetId: string;
  emoji: string;
  count: number;
  reactedByMe: boolean;
}

const NEWEST_POSTS: SortKey<Post>[] = [
  { sql: 'p.created_at', type: 'date', value: (p) => p.createdAt },
  { sql: 'p.id', type: 'uuid', value: (p) => p.id },
];
const NEWEST_COMMENTS: SortKey<Comment>[] = [
  { sql: 'c.created_at', type: 'date', value: (c) => c.createdAt },
  { sql: 'c.id', type: 'uuid', value: (c) => c.id },
];
const OLDEST_REACTIONS: SortKey<Reaction>[] = [
  { sql: 'r.created_at', type: 'date', value: (r) => r.createdAt },
  { sql: 'r.id', type: 'uuid', value: (r) => r.id },
];

/** The queries on posts, comments and reactions, named for what they answer; all scoped by the caller's abilities. */
@Injectable()
export class ContentRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  countVisiblePosts(ability: AppAbility): Promise<number> {
    return this.posts(ability).getCount();
  }

  /**
   * The newest `limit` posts the caller reads across `spaceIds`, older than `after` if given.
   * Each space's newest posts come from its own index range (one LATERAL subquery per space,
   * the access scope inside each), so the cost follows the caller's spaces, not the size of the table.
   */
  async newestVisibleInSpaces(
    ability: AppAbility,
    spaceIds: readonly string[],
    limit: number,
    after: readonly unknown[] | null,
  ): Promise<Post[]> {
    const perSpace = this.posts(ability)
      .select('p.id', 'id')
      .addSelect('p.created_at', 'created_at')
      .andWhere('p.space_id = feed_space.id');
    if (after)
      perSpace.andWhere('(p.created_at, p.id) < (:afterAt, :afterId)', { afterAt: after[0], afterId: after[1] });
    perSpace.orderBy('p.created_at', 'DESC').addOrderBy('p.id', 'DESC').limit(limit);
    const [inner, params] = perSpace.getQueryAndParameters();
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT f.id FROM unnest($${params.length + 1}::uuid[]) AS feed_space(id)
         CROSS JOIN LATERAL (${inner}) f
        ORDER BY f.created_at DESC, f.id DESC LIMIT ${limit}`,
      [...params, [...spaceIds]],
    );
    const posts = await this.dataSource.getRepository(Post).findBy({ id: In(rows.map((r) => r.id)) });
    const byId = new Map(posts.map((p) => [p.id, p]));
    return rows.map((r) => byId.get(r.id)).filter((p): p is Post => p !== undefined);
  }

  /** A page of the posts of a space the caller reads, newest first. */
  pageVisiblePostsInSpace(ability: AppAbility, spaceId: string, page: PageArgs): Promise<Connection<Post>> {
    return keysetPage(this.posts(ability).andWhere('p.space_id = :spaceId', { spaceId }), NEWEST_POSTS, 'DESC', page);
  }

  findVisiblePostById(ability: AppAbility, id: string): Promise<Post | null> {
    return this.posts(ability).andWhere('p.id = :id', { id }).getOne();
  }

  findVisiblePostsByIds(ability: AppAbility, ids: readonly string[]): Promise<Post[]> {
    return this.posts(ability)
      .andWhere('p.id = ANY(:ids)', { ids: [...ids] })
      .getMany();
  }

  /** Comments the caller sees, counted per post in one query. */
  async countVisibleCommentsByPost(ability: AppAbility, postIds: readonly string[]): Promise<Map<string, number>> {
    const rows: { postId: string; n: string }[] = await this.comments(ability)
      .select('c.post_id', 'postId')
      .addSelect('COUNT(*)', 'n')
      .andWhere('c.post_id = ANY(:postIds)', { postIds: [...postIds] })
      .groupBy('c.post_id')
      .getRawMany();
    return new Map(rows.map((r) => [r.postId, Number(r.n)]));
  }

  /** The newest `limit` comments the caller sees on each of many posts, newest first. */
  newestVisibleCommentsPerPost(ability: AppAbility, postIds: readonly string[], limit: number): Promise<Comment[]> {
    const ranked = this.comments(ability)
      .select('c.id', 'id')
      .addSelect('ROW_NUMBER() OVER (PARTITION BY c.post_id ORDER BY c.created_at DESC, c.id DESC)', 'rn')
      .andWhere('c.post_id = ANY(:postIds)', { postIds: [...postIds] });
    return this.dataSource
      .getRepository(Comment)
      .createQueryBuilder('c')
      .innerJoin(`(${ranked.getQuery()})`, 'r', 'r.id = c.id AND r.rn <= :limit', { limit })
      .setParameters(ranked.getParameters())
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .getMany();
  }

  /** A page of the comments of a post the caller sees, newest first. */
  pageVisibleCommentsOfPost(ability: AppAbility, postId: string, page: PageArgs): Promise<Connection<Comment>> {
    return keysetPage(
      this.comments(ability).andWhere('c.post_id = :postId', { postId }),
      NEWEST_COMMENTS,
      'DESC',
      page,
    );
  }

  findVisibleCommentById(ability: AppAbility, id: string): Promise<Comment | null> {
    return this.comments(ability).andWhere('c.id = :id', { id }).getOne();
  }

  /** A page of the reactions to a post itself (not to its comments) the caller sees, oldest first. */
  pageVisibleReactionsOfPost(ability: AppAbility, postId: string, page: PageArgs): Promise<Connection<Reaction>> {
    return this.pageVisibleReactions(ability, 'r.post_id = :postId AND r.comment_id IS NULL', { postId }, page);
  }

  /** A page of the reactions to a comment the caller sees, oldest first. */
  pageVisibleReactionsOfComment(ability: AppAbility, commentId: string, page: PageArgs): Promise<Connection<Reaction>> {
    return this.pageVisibleReactions(ability, 'r.comment_id = :commentId', { commentId }, page);
  }

  private pageVisibleReactions(
    ability: AppAbility,
    target: string,
    params: Record<string, string>,
    page: PageArgs,
  ): Promise<Connection<Reaction>> {
    const qb = this.dataSource.getRepository(Reaction).createQueryBuilder('r').where(target, params);
    return keysetPage(this.access.restrict(qb, ability, 'Reaction'), OLDEST_REACTIONS, 'ASC', page);
  }

  /**
   * Per emoji, the reactions the caller sees on each of many posts (their own, not their
   * comments') or comments, and whether one of them is the caller's.
   */
  async visibleReactionCounts(
    ability: AppAbility,
    target: 'post' | 'comment',
    ids: readonly string[],
    userId: string,
  ): Promise<ReactionCountRow[]> {
    const column = target === 'post' ? 'r.post_id' : 'r.comment_id';
    const qb = this.dataSource
      .getRepository(Reaction)
      .createQueryBuilder('r')
      .select(column, 'targetId')
      .addSelect('r.kind', 'emoji')
      .addSelect('COUNT(*)', 'n')
      .addSelect('BOOL_OR(r.author_id = :me)', 'mine')
      .setParameter('me', userId)
      .groupBy(column)
      .addGroupBy('r.kind')
      .orderBy(column)
      .addOrderBy('MIN(r.created_at)')
      .addOrderBy('r.kind');
    if (target === 'post') qb.where('r.post_id = ANY(:ids) AND r.comment_id IS NULL', { ids: [...ids] });
    else qb.where('r.comment_id = ANY(:ids)', { ids: [...ids] });
    this.access.restrict(qb, ability, 'Reaction');
    const rows: { targetId: string; emoji: string; n: string; mine: boolean }[] = await qb.getRawMany();
    return rows.map((r) => ({ targetId: r.targetId, emoji: r.emoji, count: Number(r.n), reactedByMe: r.mine }));
  }

  /** The versions edits replaced, of many posts the caller reads, newest first. */
  postRevisions(ability: AppAbility, postIds: readonly string[]): Promise<ContentRevision[]> {
    const qb = this.dataSource
      .getRepository(ContentRevision)
      .createQueryBuilder('r')
      .innerJoin(Post, 'p', 'p.id = r.post_id')
      .where('r.post_id = ANY(:ids) AND r.comment_id IS NULL', { ids: [...postIds] })
      .orderBy('r.replaced_at', 'DESC')
      .addOrderBy('r.id', 'DESC');
    return this.access.restrict(qb, ability, 'Post', 'p').getMany();
  }

  /** The versions edits replaced, of many comments the caller sees, newest first. */
  commentRevisions(ability: AppAbility, commentIds: readonly string[]): Promise<ContentRevision[]> {
    const qb = this.dataSource
      .getRepository(ContentRevision)
      .createQueryBuilder('r')
      .innerJoin(Comment, 'c', 'c.id = r.comment_id')
      .where('r.comment_id = ANY(:ids)', { ids: [...commentIds] })
      .orderBy('r.replaced_at', 'DESC')
      .addOrderBy('r.id', 'DESC');
    return this.access.restrict(qb, ability, 'Comment', 'c').getMany();
  }

  /** The ids an author mentioned in one item that nobody was told of (the author's eyes only). */
  async unreachableMentions(authorId: string, postId: string, commentId: string | null): Promise<string[]> {
    const rows: { user_id: string }[] = await this.dataSource.query(
      `SELECT m.user_id FROM mentions m
         JOIN posts p ON p.id = m.post_id
         LEFT JOIN comments c ON c.id = m.comment_id
        WHERE m.post_id = $1 AND m.comment_id IS NOT DISTINCT FROM $2::uuid AND m.notified = false
          AND COALESCE(c.author_id, p.author_id) = $3
        ORDER BY m.created_at, m.id`,
      [postId, commentId, authorId],
    );
    return rows.map((r) => r.user_id);
  }

  private posts(ability: AppAbility): SelectQueryBuilder<Post> {
    return this.access.restrict(this.dataSource.getRepository(Post).createQueryBuilder('p'), ability, 'Post');
  }

  private comments(ability: AppAbility): SelectQueryBuilder<Comment> {
    return this.access.restrict(this.dataSource.getRepository(Comment).createQueryBuilder('c'), ability, 'Comment');
  }
}
