import { ListedPrimer } from './listed';
import { OrganizationsModule } from '../organizations/organizations.module';
import { CarriedCheck } from '../graphql/carried-check';
import { Module, OnModuleInit } from '@nestjs/common';
import { NodeRegistry } from '../graphql/node-registry';
import { SpacesModule } from '../spaces/spaces.module';
import { UsersModule } from '../users/users.module';
import { CommentsResolver } from './comments.resolver';
import { PostsResolver } from './posts.resolver';
import { ReactionsResolver } from './reactions.resolver';
import { ContentRepository } from './content.repository';
import { PostsService } from './posts.service';
import { SpacePostsResolver } from './space-posts.resolver';
import { CommentWritesService } from './comment-writes.service';
import { ContentWriteGuard } from './content-write-guard';
import { ContentWritesResolver } from './content-writes.resolver';
import { MentionsService } from './mentions';
import { ModerationService } from './moderation.service';
import { PostWritesService } from './post-writes.service';
import { ReactionsService } from './reactions.service';

@Module({
  imports: [UsersModule, SpacesModule, OrganizationsModule],
  providers: [
    ContentRepository,
    PostsService,
    ListedPrimer,
    PostsResolver,
    CarriedCheck,
    CommentsResolver,
    ReactionsResolver,
    SpacePostsResolver,
    ContentWriteGuard,
    MentionsService,
    PostWritesService,
    CommentWritesService,
    ReactionsService,
    ModerationService,
    ContentWritesResolver,
  ],
  exports: [PostsService],
})
export class ContentModule implements OnModuleInit {
  constructor(
    private readonly nodes: NodeRegistry,
    private readonly posts: PostsService,
  ) {}

  onModuleInit(): void {
    this.nodes.register('Post', 'posts', (ability, id) => this.posts.findVisible(ability, id));
    this.nodes.register('Comment', 'comments', (ability, id) => this.posts.findVisibleComment(ability, id));
  }
}
