import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Notification } from '../database/entities/notification.entity';
import { Space } from '../database/entities/space.entity';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { NotificationModel } from '../notifications/models/notification.model';
import { SpaceModel } from './models/space.model';
import { SpacesService } from './spaces.service';
import { visibleSpaceLoader } from './space.loader';

/**
 * `Notification.space`, here rather than in notifications/ so that the notifications
 * (written by every feature) depend on no feature: spaces → notifications, never back.
 */
@Resolver(() => NotificationModel)
export class NotificationSpaceResolver {
  constructor(private readonly spacesService: SpacesService) {}

  @ResolveField(() => SpaceModel, {
    nullable: true,
    description: 'The space it is about, while the reader still sees it (null otherwise).',
  })
  async space(@CurrentViewer() v: Viewer, @Parent() n: Notification): Promise<Space | null> {
    if (!n.spaceId) return null;
    return visibleSpaceLoader(v, this.spacesService).load(n.spaceId);
  }
}
