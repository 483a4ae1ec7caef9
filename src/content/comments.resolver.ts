import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { byKey, requestLoader } from '../graphql/request-loaders';
import { User } from '../database/entities/user.entity';
import { UserModel } from '../users/models/user.model';
import { knownUserLoader } from '../users/user.loader';
import { UsersService } from '../users/users.service';
import { Comment } from '../database/entities/comment.entity';
import { Post } from '../database/entities/post.entity';
import { CommentModel } from './models/comment.model';
import { PostModel } from './models/post.model';
import { PostsService } from './posts.service';

@Resolver(() => CommentModel)
export class CommentsResolver {
  constructor(
    private readonly postsService: PostsService,
    private readonly usersService: UsersService,
  ) {}

  @ResolveField(() => UserModel)
  async author(@CurrentViewer() v: Viewer, @Parent() comment: Comment): Promise<User> {
    const user = await knownUserLoader(v, this.usersService).load(comment.authorId);
    if (!user) throw new Error(`author ${comment.authorId} is missing`);
    return user;
  }

  @ResolveField(() => PostModel)
  async post(@CurrentViewer() v: Viewer, @Parent() comment: Comment): Promise<Post> {
    // A comment the caller sees follows a post the caller reads.
    const loader = requestLoader<string, Post | null>(v.ctx, 'visiblePostsById', async (ids) =>
      byKey(ids, await this.postsService.findManyVisible(v.ability, ids), (p) => p.id),
    );
    const post = await loader.load(comment.postId);
    if (!post) throw new Error(`post ${comment.postId} of a visible comment is not readable`);
    return post;
  }
}
