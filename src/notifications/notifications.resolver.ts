import { Args, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Locale } from '../common/domain.enums';
import { Notification } from '../database/entities/notification.entity';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { Connection } from '../graphql/pagination';
import { requestLoader } from '../graphql/request-loaders';
import { MarkNotificationsReadArgs, NotificationsArgs } from './dto/notifications.args';
import { NotificationConnection, NotificationModel } from './models/notification.model';
import { noticeBody, NoticeContext, noticeTitle } from './notification-texts';
import { NotificationsInboxService } from './notifications-inbox.service';
import { NotificationsRepository } from './notifications.repository';

@Resolver(() => NotificationModel)
export class NotificationsResolver {
  constructor(
    private readonly inbox: NotificationsInboxService,
    private readonly repository: NotificationsRepository,
  ) {}

  @Query(() => NotificationConnection, { description: 'The caller’s notifications, newest first.' })
  notifications(@CurrentViewer() v: Viewer, @Args() args: NotificationsArgs): Promise<Connection<Notification>> {
    return this.inbox.list(actorOf(v), args, args.unreadOnly ?? false);
  }

  @Query(() => Int, { description: 'How many of the caller’s notifications are unread.' })
  unreadNotificationCount(@CurrentViewer() v: Viewer): Promise<number> {
    return this.inbox.unreadCount(actorOf(v));
  }

  @Mutation(() => Int, {
    description:
      'Marks the caller’s notifications read (ids omitted: all of them); returns how many changed. ' +
      'An id that is not the caller’s is NOT_FOUND, like a missing one.',
  })
  markNotificationsRead(@CurrentViewer() v: Viewer, @Args() args: MarkNotificationsReadArgs): Promise<number> {
    return this.inbox.markRead(actorOf(v), args.ids ?? undefined);
  }

  @ResolveField(() => Boolean)
  read(@Parent() n: Notification): boolean {
    return n.readAt !== null;
  }

  @ResolveField(() => String, { description: 'In the reader’s language (French unless they chose English).' })
  async title(@CurrentViewer() v: Viewer, @Parent() n: Notification): Promise<string> {
    return noticeTitle(await this.context(v, n));
  }

  @ResolveField(() => String, {
    description: 'In the reader’s language; names the space only while the reader still sees it.',
  })
  async body(@CurrentViewer() v: Viewer, @Parent() n: Notification): Promise<string> {
    return noticeBody(await this.context(v, n));
  }

  private async context(v: Viewer, n: Notification): Promise<NoticeContext> {
    const locales = requestLoader<string, Locale>(v.ctx, 'notifications:locale', async (ids) => {
      const found = await this.repository.localesOf(ids);
      return ids.map((id) => found.get(id) ?? Locale.FR);
    });
    const spaceNames = requestLoader<string, string | null>(v.ctx, 'notifications:space-name', async (ids) => {
      const found = await this.repository.visibleSpaceNames(v.ability, ids);
      return ids.map((id) => found.get(id) ?? null);
    });
    const [locale, spaceName] = await Promise.all([
      locales.load(v.principal.userId),
      n.spaceId ? spaceNames.load(n.spaceId) : Promise.resolve(null),
    ]);
    return { kind: n.kind, data: n.data ?? {}, spaceName, locale };
  }
}

function actorOf(v: Viewer) {
  return { principal: v.principal, ability: v.ability, requestId: v.ctx.req.requestId };
}
