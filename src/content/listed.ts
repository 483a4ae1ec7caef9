import { Injectable } from '@nestjs/common';
import { FieldNode, getArgumentValues, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema } from 'graphql';
import { fieldNodesAt, selectedFields } from '../graphql/selection';
import { Connection, pageSize, toConnection } from '../graphql/pagination';
import { Comment } from '../database/entities/comment.entity';
import { Organization } from '../database/entities/organization.entity';
import { Space } from '../database/entities/space.entity';
import { User } from '../database/entities/user.entity';
import { entityColumnProperties } from '../database/entity-rows';
import { Post } from '../database/entities/post.entity';
import { Viewer } from '../graphql/graphql-context.decorator';
import { holdValues, isPlainField, prefetch, prefetchWithArgs } from '../graphql/prefetched';
import { requestLoader } from '../graphql/request-loaders';
import { visibleEmail } from '../users/user-fields';
import { FirstComments, Listed, ListShape } from './content.repository';
import { PostsService } from './posts.service';

/**
 * Columns of the joined rows no field of theirs reads (the schema does not expose them), never
 * fetched: every timestamp costs PostgreSQL its formatting and the gateway its parsing, per row.
 */
const UNREAD = {
  User: ['disabledAt', 'disabledReason', 'lastLoginAt', 'createdAt', 'updatedAt'],
  Organization: ['suspendedAt', 'suspensionReason', 'createdAt', 'updatedAt'],
  Space: ['updatedAt'],
  Post: [],
  Comment: [],
} as const;

/** Long texts, arrays and dates fetched, when a row is fetched whole, only if their own field is selected. */
const LAZY = {
  User: ['jobTitle', 'skills', 'bio'],
  Organization: ['domains'],
  Space: ['purpose', 'createdAt'],
  Post: ['body'],
  Comment: ['body'],
} as const;

/**
 * What a field with a resolver reads of its parent when it runs (instead of being served from
 * the list's statement), besides what the list always reads. A field with a resolver that is
 * not named here makes the list fetch its parent's every column: the field rules' checks read
 * a whole row (email, clearance, roles, an organisation's domains...). A field without a
 * resolver reads the property of its own name.
 */
const RESOLVER_READS: Readonly<Record<ListedType, Readonly<Record<string, readonly string[]>>>> = {
  Post: {
    author: ['authorId'],
    space: ['spaceId'],
    commentCount: [],
    comments: [],
    deleted: ['deletedAt'],
    history: ['label'],
    reactionCounts: [],
    reactions: [],
    unreachableMentions: ['authorId'],
  },
  Comment: {
    author: ['authorId'],
    post: ['postId'],
    deleted: ['deletedAt'],
    history: [],
    reactionCounts: [],
    reactions: [],
    unreachableMentions: ['authorId', 'postId'],
  },
  // The email's field rule (visibleEmail) reads the user's organisation; a condition of the
  // rules on a column left out would throw (asSubject reads through a partial entity).
  User: { organization: ['organizationId'], email: ['email', 'organizationId'] },
  Organization: {},
  Space: { viewerCan: ['classification'], posts: [], members: [] },
};

/** What a list reads of each row whatever is selected: the key, the cursor's, and a comment's post (pages are grouped by it). */
const ALWAYS: Readonly<Record<ListedType, readonly string[]>> = {
  Post: ['id', 'createdAt'],
  Comment: ['id', 'createdAt', 'postId'],
  User: ['id'],
  Organization: ['id'],
  Space: ['id'],
};

const ENTITIES: Readonly<Record<ListedType, Function>> = { Post, Comment, User, Organization, Space };

// A listed type's fields named after its entity's columns hold the columns' values, and a row
// hydrated without some columns still reads a selected one: `unread` never leaves out what a
// selected field without a resolver reads (prefetched.ts, holdValues).
for (const [type, entity] of Object.entries(ENTITIES)) holdValues(type, entityColumnProperties(entity));

type ListedType = 'Post' | 'Comment' | 'User' | 'Organization' | 'Space';

/** A list's document, as much of the resolver's info as its shape depends on. */
export type ListInfo = Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments' | 'schema'>;

/** Shapes by the field's nodes in the document: a field under a list is resolved once per item. */
const shapes = new WeakMap<readonly FieldNode[], ListShape>();
const shapeKeys = new WeakMap<ListShape, string>();

/**
 * What a list of posts or comments (`items`) should fetch with its items, from the fields the
 * request selects (which depend only on the document: selectedFields evaluates no directive).
 */
export function listShape(info: ListInfo, items: 'Post' | 'Comment'): ListShape {
  let shape = shapes.get(info.fieldNodes);
  if (!shape) shapes.set(info.fieldNodes, (shape = shapeOf(info, items)));
  return shape;
}

/** A string naming the shape, for a loader's key. */
export function listShapeKey(shape: ListShape): string {
  let key = shapeKeys.get(shape);
  if (key === undefined) shapeKeys.set(shape, (key = JSON.stringify(shape)));
  return key;
}

function shapeOf(info: ListInfo, items: 'Post' | 'Comment'): ListShape {
  const node = selectedFields(info, ['edges', 'node']);
  const author = selectedFields(info, ['edges', 'node', 'author']);
  return {
    authors: node.has('author'),
    commentCounts: node.has('commentCount'),
    spaces: node.has('space'),
    emails: author.has('email'),
    omit: {
      item: unread(info.schema, items, node),
      user: unread(info.schema, 'User', author),
      organization: unread(
        info.schema,
        'Organization',
        selectedFields(info, ['edges', 'node', 'author', 'organization']),
      ),
      space: unread(info.schema, 'Space', selectedFields(info, ['edges', 'node', 'space'])),
    },
  };
}

/**
 * The columns of `type`'s rows that none of the `selected` fields reads (by RESOLVER_READS and
 * ALWAYS): left out of the statement. When a selected field's reads are unknown, only the
 * columns no field ever reads (UNREAD) are, and those of the fields without a resolver that are
 * not selected (long texts, arrays, dates).
 */
function unread(schema: GraphQLSchema, type: ListedType, selected: ReadonlySet<string>): readonly string[] {
  const fields = (schema.getType(type) as GraphQLObjectType).getFields();
  const columns = entityColumnProperties(ENTITIES[type]);
  const reads = new Set<string>(ALWAYS[type]);
  let whole = false;
  for (const name of selected) {
    if (name === '__typename') continue;
    const field = fields[name];
    const declared = field && !isPlainField(field) ? RESOLVER_READS[type][name] : undefined;
    if (field && isPlainField(field) && columns.includes(name)) reads.add(name);
    else if (declared) declared.forEach((p) => reads.add(p));
    else whole = true;
  }
  if (whole) {
    // Every column a resolver or the rules may read; the ones only a field of their own name reads when selected.
    const ownField = (p: string) => !!fields[p] && isPlainField(fields[p]) && !selected.has(p);
    return columns.filter(
      (p) =>
        !reads.has(p) &&
        ((UNREAD[type] as readonly string[]).includes(p) ||
          ((LAZY[type] as readonly string[]).includes(p) && ownField(p))),
    );
  }
  return columns.filter((p) => !reads.has(p));
}

/**
 * Hands what a list statement fetched with its items to their fields (prefetched.ts): the
 * author (with their organisation and the email the caller may read), the space and the
 * comment count, read there instead of being queried again. The joined rows may leave out
 * what no selected field reads, so they are served only through the items they came with,
 * never put in the request's loaders. The comment counts, whole, go to their loader too
 * (a comments connection's totalCount reads it).
 */
@Injectable()
export class ListedPrimer {
  constructor(private readonly posts: PostsService) {}

  /**
   * The first `first` comments of a post the caller reads, with what `shape` selects: one
   * statement for every post of the request asking the same.
   */
  async firstComments(v: Viewer, postId: string, first: number, shape: ListShape): Promise<Connection<Comment>> {
    const loader = requestLoader<string, Comment[]>(
      v.ctx,
      `firstComments:${first}:${listShapeKey(shape)}`,
      async (ids) => {
        const pages = await this.posts.firstCommentPages(v.ability, ids, first, shape);
        this.prime(v, shape, [...pages.values()].flat());
        return ids.map((id) => (pages.get(id) ?? []).map((l) => l.item));
      },
    );
    const rows = await loader.load(postId);
    return toConnection(
      rows,
      first,
      (c) => [c.createdAt, c.id],
      () => commentCountLoader(v, this.posts).load(postId),
    );
  }

  /**
   * When a list of posts (`info`, its connection field) selects its nodes' `comments` under one
   * name with one set of arguments and no cursor, the first page each post's field would answer
   * (firstComments, as `Post.comments` calls it) can be fetched with the posts: what to fetch,
   * and the arguments it answers. Otherwise (several names, a cursor, a page size refused) null:
   * the field runs as usual, once per post, and says what is wrong.
   */
  commentsRequest(info: GraphQLResolveInfo): CommentsRequest | null {
    const asked = commentsAsked(info);
    if (!asked) return null;
    const field = (info.schema.getType('Post') as GraphQLObjectType | undefined)?.getFields().comments;
    if (!field) return null;
    try {
      const each = asked.nodes.map((node) => getArgumentValues(field, node, info.variableValues));
      const args = each[0];
      if (each.some((a) => JSON.stringify(a) !== JSON.stringify(args)) || (args.after ?? null) !== null) return null;
      const first = pageSize(args.first as number | undefined);
      return { args, first, fetch: { limit: first + 1, shape: listShape(asked.info, 'Comment') } };
    } catch {
      return null;
    }
  }

  /**
   * Hands each post of a list the page of comments its statement fetched for `request`: the
   * field is then served without running once per post, with what firstComments would answer.
   */
  serveComments(v: Viewer, request: CommentsRequest, listed: readonly Listed<Post>[]): void {
    for (const { item, comments = [] } of listed) {
      this.prime(v, request.fetch.shape, comments);
      const page = toConnection(
        comments.map((c) => c.item),
        request.first,
        (c) => [c.createdAt, c.id],
        () => commentCountLoader(v, this.posts).load(item.id),
      );
      prefetchWithArgs(item, 'comments', request.args, page);
    }
  }

  prime(v: Viewer, shape: ListShape, listed: readonly Listed<Post | Comment>[]): void {
    for (const { item, author, authorOrganization, commentCount, space } of listed) {
      if (space) prefetch(item, { space });
      if (author) {
        prefetch(item, { author });
        if (shape.emails) prefetch(author, { email: visibleEmail(v.ability, author) });
        if (authorOrganization) prefetch(author, { organization: authorOrganization });
      }
      if (commentCount !== undefined) {
        commentCountLoader(v, this.posts).prime(item.id, commentCount);
        prefetch(item, { commentCount });
      }
    }
  }
}

/** The comments a list of posts fetches for its nodes' `comments` field, and the arguments that field is served for. */
export interface CommentsRequest {
  args: Record<string, unknown>;
  first: number;
  fetch: FirstComments;
}

/** The `comments` fields under a list's nodes, per field of the document: null unless all have one name. */
const commentsFields = new WeakMap<readonly FieldNode[], { nodes: FieldNode[]; info: ListInfo } | null>();

function commentsAsked(info: GraphQLResolveInfo) {
  let asked = commentsFields.get(info.fieldNodes);
  if (asked === undefined) {
    const nodes = fieldNodesAt(info, ['edges', 'node', 'comments']);
    const names = new Set(nodes.map((n) => (n.alias ?? n.name).value));
    asked =
      nodes.length > 0 && names.size === 1
        ? { nodes, info: { fieldNodes: nodes, fragments: info.fragments, schema: info.schema } }
        : null;
    commentsFields.set(info.fieldNodes, asked);
  }
  return asked;
}

/** Comments the caller sees, counted per post: one query per request for every post asked. */
export function commentCountLoader(v: Viewer, posts: PostsService) {
  return requestLoader<string, number>(v.ctx, 'commentCounts', async (ids) => {
    const counts = await posts.commentCounts(v.ability, ids);
    return ids.map((id) => counts.get(id) ?? 0);
  });
}
