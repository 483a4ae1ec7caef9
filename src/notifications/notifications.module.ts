import { Global, Module } from '@nestjs/common';
import { NotificationsInboxService } from './notifications-inbox.service';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsResolver } from './notifications.resolver';
import { NotificationsService } from './notifications.service';

/** In-app notifications: written by the write path in its transactions, listed by their reader. */
@Global()
@Module({
  providers: [NotificationsService, NotificationsRepository, NotificationsInboxService, NotificationsResolver],
  exports: [NotificationsService],
})
export class NotificationsModule {}
