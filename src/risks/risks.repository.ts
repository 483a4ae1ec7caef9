import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AppAbility } from '../access/subjects';
import { RiskEntry } from '../database/entities/risk-entry.entity';
import { RiskEntryRevision } from '../database/entities/risk-entry-revision.entity';
import { Space } from '../database/entities/space.entity';
import { User } from '../database/entities/user.entity';
import { RiskStatus } from './risk-levels';

/** Highest first: impact, then probability; the oldest entry first among equals. */
const SEVERITY_ORDER: [string, 'ASC' | 'DESC'][] = [
  ['r.impact', 'DESC'],
  ['r.probability', 'DESC'],
  ['r.created_at', 'ASC'],
  ['r.id', 'ASC'],
];

/** The risk map's queries, each filtered in SQL by the caller's RiskEntry read rule. */
@Injectable()
export class RisksRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  /** The entries of one space the caller may read, highest first. */
  visibleEntriesOfSpace(ability: AppAbility, spaceId: string): Promise<RiskEntry[]> {
    return this.ordered(this.visible(ability).andWhere('r.space_id = :spaceId', { spaceId })).getMany();
  }

  findVisibleById(ability: AppAbility, id: string): Promise<RiskEntry | null> {
    return this.visible(ability).andWhere('r.id = :id', { id }).getOne();
  }

  findVisibleByIds(ability: AppAbility, ids: readonly string[]): Promise<RiskEntry[]> {
    return this.visible(ability)
      .andWhere('r.id = ANY(:ids)', { ids: [...ids] })
      .getMany();
  }

  /** The spaces the caller sees, by name. */
  visibleSpaces(ability: AppAbility): Promise<Space[]> {
    const qb = this.dataSource.getRepository(Space).createQueryBuilder('s');
    return this.access.restrict(qb, ability, 'Space').orderBy('s.name', 'ASC').addOrderBy('s.id', 'ASC').getMany();
  }

  /** Per space among `spaceIds`, the OPEN entry of highest impact then probability that the caller may read. */
  highestOpenVisible(ability: AppAbility, spaceIds: string[]): Promise<RiskEntry[]> {
    const qb = this.visible(ability)
      .andWhere('r.space_id = ANY(:spaceIds)', { spaceIds })
      .andWhere('r.status = :open', { open: RiskStatus.OPEN })
      .distinctOn(['r.space_id'])
      .orderBy('r.space_id', 'ASC');
    for (const [sql, direction] of SEVERITY_ORDER) qb.addOrderBy(sql, direction);
    return qb.getMany();
  }

  /** Per space among `spaceIds`, how many OPEN entries the caller may read. */
  async openCountsVisible(ability: AppAbility, spaceIds: string[]): Promise<Map<string, number>> {
    const rows: { spaceId: string; count: string }[] = await this.visible(ability)
      .select('r.space_id', 'spaceId')
      .addSelect('count(*)', 'count')
      .andWhere('r.space_id = ANY(:spaceIds)', { spaceIds })
      .andWhere('r.status = :open', { open: RiskStatus.OPEN })
      .groupBy('r.space_id')
      .getRawMany();
    return new Map(rows.map((r) => [r.spaceId, Number(r.count)]));
  }

  /** An entry's history, oldest first. */
  revisionsOf(riskEntryIds: readonly string[]): Promise<RiskEntryRevision[]> {
    return this.dataSource
      .getRepository(RiskEntryRevision)
      .createQueryBuilder('rv')
      .where('rv.risk_entry_id = ANY(:ids)', { ids: [...riskEntryIds] })
      .orderBy('rv.seq', 'ASC')
      .getMany();
  }

  // --- The write path's reads, in the writer's transaction. ---

  /** The space, locked against a concurrent archive while a risk is written. */
  lockSpace(m: EntityManager, id: string): Promise<Space | null> {
    return m.createQueryBuilder(Space, 's').where('s.id = :id', { id }).setLock('pessimistic_read').getOne();
  }

  lockEntry(m: EntityManager, id: string): Promise<RiskEntry | null> {
    return m.createQueryBuilder(RiskEntry, 'r').where('r.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  /** A user the caller sees, or null (invisible and missing alike). */
  visibleUser(m: EntityManager, ability: AppAbility, id: string): Promise<User | null> {
    return this.access.restrict(m.createQueryBuilder(User, 'u').where('u.id = :id', { id }), ability, 'User').getOne();
  }

  private visible(ability: AppAbility): SelectQueryBuilder<RiskEntry> {
    return this.access.restrict(this.dataSource.getRepository(RiskEntry).createQueryBuilder('r'), ability, 'RiskEntry');
  }

  private ordered(qb: SelectQueryBuilder<RiskEntry>): SelectQueryBuilder<RiskEntry> {
    SEVERITY_ORDER.forEach(([sql, direction], i) =>
      i === 0 ? qb.orderBy(sql, direction) : qb.addOrderBy(sql, direction),
    );
    return qb;
  }
}
