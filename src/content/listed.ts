import { Injectable } from '@nestjs/common';
import { Comment } from '../database/entities/comment.entity';
import { Post } from '../database/entities/post.entity';
import { Viewer } from '../graphql/graphql-context.decorator';
import { prefetch } from '../graphql/prefetched';
import { requestLoader } from '../graphql/request-loaders';
import { knownOrganizationLoader } from '../organizations/organization.loader';
import { OrganizationsService } from '../organizations/organizations.service';
import { visibleSpaceLoader } from '../spaces/space.loader';
import { SpacesService } from '../spaces/spaces.service';
import { knownUserLoader } from '../users/user.loader';
import { visibleEmail } from '../users/user-fields';
import { UsersService } from '../users/users.service';
import { Listed, ListShape } from './content.repository';
import { PostsService } from './posts.service';

/** What a list of posts or comments should fetch with its items, from the fields the request selects under `node`. */
export function listShape(nodeFields: ReadonlySet<string>): ListShape {
  return {
    authors: nodeFields.has('author'),
    commentCounts: nodeFields.has('commentCount'),
    spaces: nodeFields.has('space'),
    bodies: nodeFields.has('body'),
  };
}

/**
 * Hands what a list statement fetched with its items to their fields (prefetched.ts) and to the
 * request's loaders, so the fields below (author, its organisation, commentCount, space) read
 * it instead of querying again.
 * The rows are the ones those loaders would have fetched: the same visibility, the same request.
 */
@Injectable()
export class ListedPrimer {
  constructor(
    private readonly users: UsersService,
    private readonly organizations: OrganizationsService,
    private readonly posts: PostsService,
    private readonly spaces: SpacesService,
  ) {}

  prime(v: Viewer, listed: readonly Listed<Post | Comment>[]): void {
    for (const { item, author, authorOrganization, commentCount, space } of listed) {
      if (space) {
        visibleSpaceLoader(v, this.spaces).prime(space.id, space);
        prefetch(item, { space });
      }
      if (author) {
        knownUserLoader(v, this.users).prime(author.id, author);
        prefetch(item, { author });
        prefetch(author, { email: visibleEmail(v.ability, author) });
      }
      if (author && authorOrganization) {
        knownOrganizationLoader(v, this.organizations).prime(authorOrganization.id, authorOrganization);
        prefetch(author, { organization: authorOrganization });
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
