import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, SelectQueryBuilder } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AppAbility } from '../access/subjects';
import { keysetPage, SortKey } from '../graphql/keyset-page';
import { Connection, PageArgs } from '../graphql/pagination';
import { Comment } from '../database/entities/comment.entity';
import { Organization } from '../database/entities/organization.entity';
import { Space } from '../database/entities/space.entity';
import { User } from '../database/entities/user.entity';
import { EntityColumns } from '../database/entity-rows';
import { checkedQuery } from '../auth/principal-check';
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

/**
 * The post scope `p` with its space column replaced by `space`, an expression the statement
 * already holds equal to p.space_id (the same condition, read on the space).
 */
function onSpace(scope: string, space: string): string {
  return scope.replaceAll('p."space_id"', space);
}

/** A comparison of the rule's (condition-to-sql.ts) on a space id: `<space> = ANY($n)`, `<space> = $n`, … */
const SPACE_FACT = /feed_space\.id (= ANY\(\$\d+\)|(?:=|<>|<=|>=|<|>|IS DISTINCT FROM) \$\d+)/g;

/**
 * The spaces of a feed (`spaces`, a uuid[] parameter) as the relation `feed_space`, with the
 * rule's facts about a space that `scope` states of feed_space.id computed once per space, as
 * boolean columns, and `scope` reading those columns instead. The same predicates on the same
 * value, so the same rows; but the planner, which would judge `feed_space.id = ANY($n)` true
 * of a few posts in a thousand and read and sort every post of each space, estimates a column
 * it cannot see into at one half, and reads each space's newest posts down its index, stopping
 * at the page's size. The subquery is kept apart (OFFSET 0) so that it is not flattened back.
 */
export function spacesWithFacts(scope: string, spaces: string): { from: string; scope: string } {
  const facts = new Map<string, string>();
  const rewritten = scope.replace(SPACE_FACT, (_match, test: string) => {
    let column = facts.get(test);
    if (!column) facts.set(test, (column = `fact_${facts.size}`));
    return `feed_space.${column}`;
  });
  const columns = [...facts].map(([test, column]) => `, s.id ${test} AS ${column}`).join('');
  return {
    // The array behind a subquery: its length, which differs by caller, stays out of the estimates.
    from: `(SELECT s.id${columns} FROM unnest((SELECT ${spaces}::uuid[])) AS s(id) OFFSET 0) feed_space`,
    scope: rewritten,
  };
}

/** What a list of posts or comments fetches with each item, in the same statement. */
export interface ListShape {
  /** The author and their organisation (always someone the caller sees: DESIGN 2, People). */
  authors: boolean;
  /** Posts only: the comments the caller sees on each. */
  commentCounts?: boolean;
  /** Posts only: the space (seen by whoever reads one of its posts). */
  spaces?: boolean;
  /** Whether the authors' email field is asked for (its field rule is then decided once per author). */
  emails?: boolean;
  /**
   * Properties of the items and of the joined rows that no selected field reads: left out (an
   * entity hydrated without them throws when one is read, also by a rule's condition).
   */
  omit: {
    item: readonly string[];
    user: readonly string[];
    organization: readonly string[];
    space: readonly string[];
  };
}

/** An item of such a list. */
export interface Listed<T> {
  item: T;
  author?: User;
  authorOrganization?: Organization;
  commentCount?: number;
  space?: Space;
  /** Posts only, when the list was asked for them (FirstComments): the post's newest comments the caller sees. */
  comments?: Listed<Comment>[];
}

/**
 * A list of posts may fetch each post's newest `limit` comments the caller sees (with what
 * `shape` selects of them) in its own statement: one row per post and comment.
 */
export interface FirstComments {
  limit: number;
  shape: ListShape;
}

/** Where a list joins its items' authors and their organisations. */
interface AuthorAliases {
  user: string;
  organization: string;
  join: 'CROSS' | 'LEFT';
  on: string;
}
/** Every item has an author. */
const ITEM_AUTHORS: AuthorAliases = { user: 'au', organization: 'ao', join: 'CROSS', on: '' };
/** A post's first comments are LEFT joined (a post may have none): so are their authors. */
const COMMENT_AUTHORS: AuthorAliases = { user: 'cau', organization: 'cao', join: 'LEFT', on: ' ON true' };

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
   * the access scope inside each), so the cost follows the caller's spaces, not the size of the
   * table; what the fields ask for is joined to the page's posts only.
   */
  async newestVisibleInSpaces(
    ability: AppAbility,
    spaceIds: readonly string[],
    limit: number,
    after: readonly unknown[] | null,
    shape: ListShape,
    comments?: FirstComments,
  ): Promise<Listed<Post>[]> {
    const values: unknown[] = [];
    // Within each space, the rule's facts about the space hold for feed_space.id (p.space_id
    // equals it): said of feed_space, computed once per space (spacesWithFacts).
    const { from, scope } = spacesWithFacts(
      onSpace(this.access.scopeSql(ability, 'Post', 'p', values), 'feed_space.id'),
      this.bind(values, [...spaceIds]),
    );
    const keyset = after
      ? ` AND (p.created_at, p.id) < (${this.bind(values, after[0])}, ${this.bind(values, after[1])})`
      : '';
    const { select, joins, order } = this.postListParts(ability, shape, comments, values);
    const rows = await checkedQuery<Record<string, unknown>>(
      this.dataSource,
      ability,
      `SELECT ${select}
         FROM (SELECT p.* FROM ${from}
                CROSS JOIN LATERAL (SELECT p.* FROM posts p
                                     WHERE ${scope} AND p.space_id = feed_space.id${keyset}
                                     ORDER BY p.created_at DESC, p.id DESC LIMIT ${limit}) p
                ORDER BY p.created_at DESC, p.id DESC LIMIT ${limit}) p
         ${joins}
        ORDER BY ${order}`,
      values,
    );
    return this.listedPosts(rows, shape, comments);
  }

  /**
   * The newest `limit` posts of one space the caller reads, older than `after` if given: the
   * feed's statement on that one space, whose plan does not hinge on the space's id.
   */
  newestVisibleInSpace(
    ability: AppAbility,
    spaceId: string,
    limit: number,
    after: readonly unknown[] | null,
    shape: ListShape,
    comments?: FirstComments,
  ): Promise<Listed<Post>[]> {
    return this.newestVisibleInSpaces(ability, [spaceId], limit, after, shape, comments);
  }

  /** Posts the caller reads in a space, counted (a list's totalCount, only when asked for). */
  countVisiblePostsInSpace(ability: AppAbility, spaceId: string): Promise<number> {
    return this.posts(ability).andWhere('p.space_id = :spaceId', { spaceId }).getCount();
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
  async newestVisibleCommentsPerPost(
    ability: AppAbility,
    postIds: readonly string[],
    limit: number,
    shape: ListShape,
  ): Promise<Listed<Comment>[]> {
    const values: unknown[] = [];
    const scope = this.access.scopeSql(ability, 'Comment', 'c', values);
    const posts = this.bind(values, [...postIds]);
    const { select, joins } = this.listParts(ability, 'c', { ...shape, commentCounts: false, spaces: false }, values);
    const rows = await checkedQuery<Record<string, unknown>>(
      this.dataSource,
      ability,
      `SELECT ${select}
         FROM (SELECT c.*, ROW_NUMBER() OVER (PARTITION BY c.post_id ORDER BY c.created_at DESC, c.id DESC) AS rn
                 FROM comments c WHERE ${scope} AND c.post_id = ANY(${posts}::uuid[])) c
         ${joins}
        WHERE c.rn <= ${this.bind(values, limit)}
        ORDER BY c.created_at DESC, c.id DESC`,
      values,
    );
    return rows.map(this.listed<Comment>('c', shape));
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

  private bind(values: unknown[], value: unknown): string {
    values.push(value);
    return `$${values.length}`;
  }

  /**
   * A list of posts' SELECT list, joins and order; with `comments`, each post's newest comments
   * the caller sees, joined (LEFT: a post may have none) with what their shape selects, and the
   * rule's conditions on a comment's post said of `p` itself.
   */
  private postListParts(
    ability: AppAbility,
    shape: ListShape,
    comments: FirstComments | undefined,
    values: unknown[],
  ): { select: string; joins: string; order: string } {
    const posts = this.listParts(ability, 'p', shape, values);
    if (!comments) return { ...posts, order: 'p.created_at DESC, p.id DESC' };
    const scope = this.access.scopeSql(ability, 'Comment', 'c', values, { post: 'p' });
    const of = this.listParts(
      ability,
      'c',
      { ...comments.shape, commentCounts: false, spaces: false },
      values,
      COMMENT_AUTHORS,
    );
    return {
      select: `${posts.select}, ${of.select}`,
      joins:
        `${posts.joins} LEFT JOIN LATERAL (SELECT c.* FROM comments c WHERE ${scope} AND c.post_id = p.id` +
        ` ORDER BY c.created_at DESC, c.id DESC LIMIT ${this.bind(values, comments.limit)}) c ON true ${of.joins}`,
      order: 'p.created_at DESC, p.id DESC, c.created_at DESC, c.id DESC',
    };
  }

  /** The SELECT list and joins of a list of posts (`p`) or comments (`c`) of this shape. */
  private listParts(
    ability: AppAbility,
    alias: 'p' | 'c',
    shape: ListShape,
    values: unknown[],
    authors: AuthorAliases = ITEM_AUTHORS,
  ): { select: string; joins: string } {
    const item = this.itemColumns(alias, shape);
    const select = [item.select];
    let joins = '';
    if (shape.authors) {
      const { user, organization, join } = authors;
      select.push(this.joined(User, 'user', user, shape).select);
      select.push(this.joined(Organization, 'organization', organization, shape).select);
      // One index lookup per item (OFFSET 0 keeps PostgreSQL from flattening these into hash
      // joins that read whole tables): the cost follows the page, not the number of people.
      joins =
        `${join} JOIN LATERAL (SELECT * FROM users ${user} WHERE ${user}.id = ${alias}.author_id OFFSET 0) ${user}${authors.on} ` +
        `${join} JOIN LATERAL (SELECT * FROM organizations ${organization} WHERE ${organization}.id = ${user}.organization_id OFFSET 0) ${organization}${authors.on}`;
    }
    if (alias === 'p' && shape.spaces) {
      select.push(this.joined(Space, 'space', 'ps', shape).select);
      joins += ' CROSS JOIN LATERAL (SELECT * FROM spaces ps WHERE ps.id = p.space_id OFFSET 0) ps';
    }
    if (alias === 'p' && shape.commentCounts) {
      // The comment's post is p itself: the rule's conditions on it are said of p, not looked up again.
      const scope = this.access.scopeSql(ability, 'Comment', 'c', values, { post: 'p' });
      // Joined per post, before a post's first comments are (postListParts): counted once per post, not per row.
      select.push('pcc.comment_count');
      joins += ` CROSS JOIN LATERAL (SELECT COUNT(*)::int AS comment_count FROM comments c WHERE c.post_id = p.id AND ${scope}) pcc`;
    }
    return { select: select.join(', '), joins };
  }

  /** The columns of a joined row under `alias`, without those the shape leaves out of its `kind`. */
  private joined<T extends User | Organization | Space>(
    entity: { new (): T },
    kind: 'user' | 'organization' | 'space',
    alias: string,
    shape: ListShape,
  ): EntityColumns<T> {
    return EntityColumns.of(this.dataSource, entity, alias, alias, shape.omit[kind]);
  }

  private itemColumns(alias: 'p' | 'c', shape: ListShape): EntityColumns<Post> | EntityColumns<Comment> {
    const omit = shape.omit.item;
    return alias === 'p'
      ? EntityColumns.of(this.dataSource, Post, alias, alias, omit)
      : EntityColumns.of(this.dataSource, Comment, alias, alias, omit);
  }

  /** A list of posts' items from its rows: with `comments`, one row per post and comment (null: none), in order. */
  private listedPosts(
    rows: Record<string, unknown>[],
    shape: ListShape,
    comments: FirstComments | undefined,
  ): Listed<Post>[] {
    const post = this.listed<Post>('p', shape);
    if (!comments) return rows.map(post);
    const comment = this.listed<Comment>('c', comments.shape, COMMENT_AUTHORS);
    const out: Listed<Post>[] = [];
    let last: (Listed<Post> & { comments: Listed<Comment>[] }) | undefined;
    for (const row of rows) {
      if (last?.item.id !== row.p__id) out.push((last = { ...post(row), comments: [] }));
      if (row.c__id !== null) last?.comments.push(comment(row));
    }
    return out;
  }

  /** Turns a list statement's rows into items: the entities' columns are looked up once, not per row. */
  private listed<T extends Post | Comment>(
    alias: 'p' | 'c',
    shape: ListShape,
    authors: AuthorAliases = ITEM_AUTHORS,
  ): (row: Record<string, unknown>) => Listed<T> {
    const item = this.itemColumns(alias, shape);
    const author = shape.authors ? this.joined(User, 'user', authors.user, shape) : null;
    const organization = shape.authors ? this.joined(Organization, 'organization', authors.organization, shape) : null;
    const space = alias === 'p' && shape.spaces ? this.joined(Space, 'space', 'ps', shape) : null;
    const counts = alias === 'p' && shape.commentCounts;
    return (row) => {
      const out: Listed<T> = { item: item.hydrate(row) as T };
      if (author && organization) {
        out.author = author.hydrate(row);
        out.authorOrganization = organization.hydrate(row);
      }
      if (counts) out.commentCount = Number(row.comment_count);
      if (space) out.space = space.hydrate(row);
      return out;
    };
  }

  private posts(ability: AppAbility): SelectQueryBuilder<Post> {
    return this.access.restrict(this.dataSource.getRepository(Post).createQueryBuilder('p'), ability, 'Post');
  }

  private comments(ability: AppAbility): SelectQueryBuilder<Comment> {
    return this.access.restrict(this.dataSource.getRepository(Comment).createQueryBuilder('c'), ability, 'Comment');
  }
}
