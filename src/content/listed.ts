import { Injectable } from '@nestjs/common';
import { FieldNode, GraphQLResolveInfo } from 'graphql';
import { selectedFields } from '../graphql/selection';
import { Comment } from '../database/entities/comment.entity';
import { Post } from '../database/entities/post.entity';
import { Viewer } from '../graphql/graphql-context.decorator';
import { prefetch } from '../graphql/prefetched';
import { requestLoader } from '../graphql/request-loaders';
import { visibleEmail } from '../users/user-fields';
import { Listed, ListShape } from './content.repository';
import { PostsService } from './posts.service';

/** Long texts, arrays and dates of the rows a list joins, fetched only when a field of theirs is selected. */
const LAZY = {
  user: ['jobTitle', 'skills', 'bio'],
  organization: ['domains'],
  space: ['purpose', 'createdAt'],
} as const;

/**
 * Columns of the joined rows no field of theirs reads (the schema does not expose them), never
 * fetched: every timestamp costs PostgreSQL its formatting and the gateway its parsing, per row.
 */
const UNREAD = {
  user: ['disabledAt', 'disabledReason', 'lastLoginAt', 'createdAt', 'updatedAt'],
  organization: ['suspendedAt', 'suspensionReason', 'createdAt', 'updatedAt'],
  space: ['updatedAt'],
} as const;

/** Shapes by the field's nodes in the document: a field under a list is resolved once per item. */
const shapes = new WeakMap<readonly FieldNode[], ListShape>();
const shapeKeys = new WeakMap<ListShape, string>();

/**
 * What a list of posts or comments should fetch with its items, from the fields the request
 * selects (which depend only on the document: selectedFields evaluates no directive).
 */
export function listShape(info: GraphQLResolveInfo): ListShape {
  let shape = shapes.get(info.fieldNodes);
  if (!shape) shapes.set(info.fieldNodes, (shape = shapeOf(info)));
  return shape;
}

/** A string naming the shape, for a loader's key. */
export function listShapeKey(shape: ListShape): string {
  let key = shapeKeys.get(shape);
  if (key === undefined) shapeKeys.set(shape, (key = JSON.stringify(shape)));
  return key;
}

function shapeOf(info: GraphQLResolveInfo): ListShape {
  const node = selectedFields(info, ['edges', 'node']);
  const author = selectedFields(info, ['edges', 'node', 'author']);
  const organization = selectedFields(info, ['edges', 'node', 'author', 'organization']);
  const space = selectedFields(info, ['edges', 'node', 'space']);
  return {
    authors: node.has('author'),
    commentCounts: node.has('commentCount'),
    spaces: node.has('space'),
    bodies: node.has('body'),
    emails: author.has('email'),
    omit: {
      user: [...UNREAD.user, ...LAZY.user.filter((f) => !author.has(f))],
      organization: [...UNREAD.organization, ...LAZY.organization.filter((f) => !organization.has(f))],
      space: [...UNREAD.space, ...LAZY.space.filter((f) => !space.has(f))],
    },
  };
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

/** Comments the caller sees, counted per post: one query per request for every post asked. */
export function commentCountLoader(v: Viewer, posts: PostsService) {
  return requestLoader<string, number>(v.ctx, 'commentCounts', async (ids) => {
    const counts = await posts.commentCounts(v.ability, ids);
    return ids.map((id) => counts.get(id) ?? 0);
  });
}
