import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AppAbility } from '../access/subjects';
import { checkedQuery } from '../auth/principal-check';
import { EntityColumns } from '../database/entity-rows';
import { keysetPage } from '../graphql/keyset-page';
import { Connection, PageArgs } from '../graphql/pagination';
import { Membership } from '../database/entities/membership.entity';
import { Space } from '../database/entities/space.entity';

/** The spaces' and memberships' queries, named for what they answer. */
@Injectable()
export class SpacesRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  /** A page of the spaces the caller sees, by name. */
  pageVisible(ability: AppAbility, page: PageArgs): Promise<Connection<Space>> {
    const qb = this.access.restrict(this.dataSource.getRepository(Space).createQueryBuilder('s'), ability, 'Space');
    return keysetPage(
      qb,
      [
        { sql: 's.name', type: 'string', value: (s) => s.name },
        { sql: 's.id', type: 'uuid', value: (s) => s.id },
      ],
      'ASC',
      page,
    );
  }

  async findVisibleById(ability: AppAbility, id: string): Promise<Space | null> {
    return (await this.findVisibleByIds(ability, [id]))[0] ?? null;
  }

  /** Spaces the caller sees among `ids`, in one prepared statement (every page of a space starts here). */
  async findVisibleByIds(ability: AppAbility, ids: readonly string[]): Promise<Space[]> {
    const values: unknown[] = [];
    const scope = this.access.scopeSql(ability, 'Space', 's', values);
    values.push([...ids]);
    const space = EntityColumns.of(this.dataSource, Space, 's');
    const rows = await checkedQuery<Record<string, unknown>>(
      this.dataSource,
      ability,
      `SELECT ${space.select} FROM spaces s WHERE ${scope} AND s.id = ANY($${values.length}::uuid[])`,
      values,
    );
    return rows.map((row) => space.hydrate(row));
  }

  /** A page of the memberships of a space the caller sees, oldest first. */
  pageVisibleMembers(ability: AppAbility, spaceId: string, page: PageArgs): Promise<Connection<Membership>> {
    const qb = this.dataSource
      .getRepository(Membership)
      .createQueryBuilder('m')
      .where('m.space_id = :spaceId', { spaceId });
    this.access.restrict(qb, ability, 'Membership');
    return keysetPage(
      qb,
      [
        { sql: 'm.created_at', type: 'date', value: (m) => m.createdAt },
        { sql: 'm.id', type: 'uuid', value: (m) => m.id },
      ],
      'ASC',
      page,
    );
  }
}
