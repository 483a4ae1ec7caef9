import { forwardRef, Module } from '@nestjs/common';
import { ContentModule } from '../content/content.module';
import { UsersModule } from '../users/users.module';
import { MembershipResolver, SpacesResolver } from './spaces.resolver';
import { SpacesService } from './spaces.service';

@Module({
  imports: [UsersModule, forwardRef(() => ContentModule)],
  providers: [SpacesService, SpacesResolver, MembershipResolver],
  exports: [SpacesService],
})
export class SpacesModule {}
