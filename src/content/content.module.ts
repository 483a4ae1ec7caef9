import { forwardRef, Module } from '@nestjs/common';
import { SpacesModule } from '../spaces/spaces.module';
import { UsersModule } from '../users/users.module';
import { CommentsResolver, PostsResolver, ReactionsResolver } from './content.resolver';
import { PostsService } from './posts.service';

@Module({
  imports: [UsersModule, forwardRef(() => SpacesModule)],
  providers: [PostsService, PostsResolver, CommentsResolver, ReactionsResolver],
  exports: [PostsService],
})
export class ContentModule {}
