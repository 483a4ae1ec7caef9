import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AppAbility } from '../access/subjects';
import { Locale } from '../common/domain.enums';
import { Notification } from '../database/entities/notification.entity';
import { Space } from '../database/entities/space.entity';
import { User } from '../database/entities/user.entity';
import { keysetPage } from '../graphql/keyset-page';
import { Connection, PageArgs } from '../graphql/pagination';

/** The notifications' queries; every read is scoped by the reader's ability in SQL. */
@Injectable()
export class NotificationsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  /** The reader's own notices, newest first (createdAt, then id, descending). */
  pageOwn(ability: AppAbility, userId: string, page: PageArgs, unreadOnly: boolean): Promise<Connection<Notification>> {
    const qb = this.dataSource
      .getRepository(Notification)
      .createQueryBuilder('n')
      .where('n.user_id = :userId', { userId });
    if (unreadOnly) qb.andWhere('n.read_at IS NULL');
    this.access.restrict(qb, ability, 'Notification');
    return keysetPage(
      qb,
      [
        { sql: 'n.created_at', type: 'date', value: (n) => n.createdAt },
        { sql: 'n.id', type: 'uuid', value: (n) => n.id },
      ],
      'DESC',
      page,
    );
  }

  countUnread(ability: AppAbility, userId: string): Promise<number> {
    const qb = this.dataSource
      .getRepository(Notification)
      .createQueryBuilder('n')
      .where('n.user_id = :userId AND n.read_at IS NULL', { userId });
    return this.access.restrict(qb, ability, 'Notification').getCount();
  }

  /** Of `ids`, those the reader may see, locked for the change. */
  lockVisible(manager: EntityManager, ability: AppAbility, userId: string, ids: string[]): Promise<Notification[]> {
    const qb = manager
      .createQueryBuilder(Notification, 'n')
      .where('n.id = ANY(:ids) AND n.user_id = :userId', { ids, userId })
      .setLock('pessimistic_write');
    return this.access.restrict(qb, ability, 'Notification').getMany();
  }

  /** Marks read those of `ids` (or all the reader's, when null) still unread; returns their ids. */
  async markRead(manager: EntityManager, userId: string, ids: string[] | null, now: Date): Promise<string[]> {
    const where = ids === null ? { userId, readAt: IsNull() } : { userId, id: In(ids), readAt: IsNull() };
    const unread = await manager.find(Notification, {
      select: { id: true },
      where,
      lock: { mode: 'pessimistic_write' },
    });
    if (unread.length === 0) return [];
    const changed = unread.map((n) => n.id);
    await manager.update(Notification, { id: In(changed) }, { readAt: now });
    return changed;
  }

  /** The language each reader reads in (French unless they chose English). */
  async localesOf(userIds: readonly string[]): Promise<Map<string, Locale>> {
    const rows = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .select(['u.id', 'u.locale'])
      .where('u.id = ANY(:ids)', { ids: [...userIds] })
      .getMany();
    return new Map(rows.map((u) => [u.id, u.locale === Locale.EN ? Locale.EN : Locale.FR]));
  }

  /** Names of the spaces among `ids` that the reader sees (the rule, in SQL). */
  async visibleSpaceNames(ability: AppAbility, ids: readonly string[]): Promise<Map<string, string>> {
    const qb = this.dataSource
      .getRepository(Space)
      .createQueryBuilder('s')
      .select(['s.id', 's.name'])
      .where('s.id = ANY(:ids)', { ids: [...ids] });
    const rows = await this.access.restrict(qb, ability, 'Space').getMany();
    return new Map(rows.map((s) => [s.id, s.name]));
  }
}
