import { Global, Module } from '@nestjs/common';
import { NotificationsService } from './notifications.service';

/** In-app notifications: written by the write path in its transactions, listed by their reader. */
@Global()
@Module({ providers: [NotificationsService], exports: [NotificationsService] })
export class NotificationsModule {}
