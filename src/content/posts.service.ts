import { Injectable } from '@nestjs/common';
import { AppAbility } from '../access/subjects';
import { Connection, decodeCursor, PageArgs, pageSize, toConnection } from '../graphql/pagination';
import { Comment } from '../database/entities/comment.entity';
import { Post } from '../database/entities/post.entity';
import { Reaction } from '../database/entities/reaction.entity';
import { ContentRepository, FirstComments, Listed, ListShape, ReactionCountRow } from './content.repository';

/** A page of a list, and what its statement fetched with each item (for the request's loaders). */
export interface ListedPage<T> {
  connection: Connection<T>;
  listed: Listed<T>[];
}

/** Posts, comments and reactions, always through the caller's abilities. */
@Injectable()
export class PostsService {
  constructor(private readonly content: ContentRepository) {}

  /**
   * Every post the caller reads, across all their spaces, newest first, with what `shape` asks
   * (and, given `comments`, each post's newest comments in the same statement).
   */
  async feed(
    ability: AppAbility,
    spaceIds: readonly string[],
    page: PageArgs,
    shape: ListShape,
    comments?: FirstComments,
  ): Promise<ListedPage<Post>> {
    const first = pageSize(page.first);
    const after = decodeCursor(page.after, ['date', 'uuid']);
    const total = () => this.content.countVisiblePosts(ability);
    const listed =
      spaceIds.length === 0
        ? []
        : await this.content.newestVisibleInSpaces(ability, spaceIds, first + 1, after, shape, comments);
    return { connection: postConnection(listed, first, total), listed };
  }

  /** A page of the posts of a space the caller reads, newest first, as `feed` fetches them. */
  async inSpace(
    ability: AppAbility,
    spaceId: string,
    page: PageArgs,
    shape: ListShape,
    comments?: FirstComments,
  ): Promise<ListedPage<Post>> {
    const first = pageSize(page.first);
    const after = decodeCursor(page.after, ['date', 'uuid']);
    const listed = await this.content.newestVisibleInSpace(ability, spaceId, first + 1, after, shape, comments);
    const total = () => this.content.countVisiblePostsInSpace(ability, spaceId);
    return { connection: postConnection(listed, first, total), listed };
  }

  findVisible(ability: AppAbility, id: string): Promise<Post | null> {
    return this.content.findVisiblePostById(ability, id);
  }

  findManyVisible(ability: AppAbility, ids: readonly string[]): Promise<Post[]> {
    return this.content.findVisiblePostsByIds(ability, ids);
  }

  /** Comments the caller sees, counted per post in one query. */
  commentCounts(ability: AppAbility, postIds: readonly string[]): Promise<Map<string, number>> {
    return this.content.countVisibleCommentsByPost(ability, postIds);
  }

  /** The newest `first` comments of many posts at once (the first page of each, one more to tell if there is a next). */
  async firstCommentPages(
    ability: AppAbility,
    postIds: readonly string[],
    first: number,
    shape: ListShape,
  ): Promise<Map<string, Listed<Comment>[]>> {
    const rows = await this.content.newestVisibleCommentsPerPost(ability, postIds, first + 1, shape);
    return groupBy(rows, (c) => c.item.postId);
  }

  commentsOf(ability: AppAbility, postId: string, page: PageArgs): Promise<Connection<Comment>> {
    return this.content.pageVisibleCommentsOfPost(ability, postId, page);
  }

  findVisibleComment(ability: AppAbility, id: string): Promise<Comment | null> {
    return this.content.findVisibleCommentById(ability, id);
  }

  reactionsOf(ability: AppAbility, postId: string, page: PageArgs): Promise<Connection<Reaction>> {
    return this.content.pageVisibleReactionsOfPost(ability, postId, page);
  }

  reactionsOfComment(ability: AppAbility, commentId: string, page: PageArgs): Promise<Connection<Reaction>> {
    return this.content.pageVisibleReactionsOfComment(ability, commentId, page);
  }

  /** Per post or comment, its reactions the caller sees, counted per emoji. */
  async reactionCounts(
    ability: AppAbility,
    target: 'post' | 'comment',
    ids: readonly string[],
    userId: string,
  ): Promise<Map<string, ReactionCountRow[]>> {
    const rows = await this.content.visibleReactionCounts(ability, target, ids, userId);
    return groupBy(rows, (r) => r.targetId);
  }

  /** Earlier versions of posts (or comments) the caller reads, newest first, per item. */
  async history(ability: AppAbility, target: 'post' | 'comment', ids: readonly string[]) {
    if (target === 'post') return groupBy(await this.content.postRevisions(ability, ids), (r) => r.postId);
    return groupBy(await this.content.commentRevisions(ability, ids), (r) => r.commentId ?? '');
  }

  unreachableMentions(authorId: string, postId: string, commentId: string | null): Promise<string[]> {
    return this.content.unreachableMentions(authorId, postId, commentId);
  }
}

function postConnection(listed: Listed<Post>[], first: number, total: () => Promise<number>): Connection<Post> {
  return toConnection(
    listed.map((l) => l.item),
    first,
    (p) => [p.createdAt, p.id],
    total,
  );
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const group = out.get(key(row));
    if (group) group.push(row);
    else out.set(key(row), [row]);
  }
  return out;
}
