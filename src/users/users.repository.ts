import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, SelectQueryBuilder } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AppAbility, asSubject } from '../access/subjects';
import { keysetPage } from '../graphql/keyset-page';
import { Connection, decodeCursor, PageArgs, pageSize, toConnection } from '../graphql/pagination';
import { Organization } from '../database/entities/organization.entity';
import { User } from '../database/entities/user.entity';
import { EntityColumns } from '../database/entity-rows';
import { checkedQuery } from '../auth/principal-check';
import { clearedForSql, effectiveClearanceSql, membershipActiveSql, userCountsSql } from '../auth/membership-rules';

/** The facts of the directory rule about the caller. */
export interface ExpertsScope {
  now: Date;
  hostOrganizationId: string;
  callerOrganizationId: string;
  callerIsHost: boolean;
  /** The caller's active spaces where every member who counts may be found. */
  openSpaceIds: string[];
  /** An external caller's active HUB spaces: only host people and their own organisation's. */
  hubSpaceIds: string[];
  /** An escaped ILIKE pattern on name, job title or any skill. */
  like: string | null;
  /** A skill, matched whole and ignoring case. */
  skill: string | null;
}

/** V (alias u, organisation uo) holds an active membership (cleared for the space) in a space matching `where`. */
function activeMembershipOf(alias: string, where: string): string {
  return `EXISTS (SELECT 1 FROM memberships ${alias} JOIN spaces ${alias}_s ON ${alias}_s."id" = ${alias}."space_id"
    WHERE ${alias}."user_id" = u."id" AND ${membershipActiveSql(alias, ':now')}
      AND ${clearedForSql(effectiveClearanceSql('u', 'uo'), `${alias}_s`)} AND ${where})`;
}

/** A person's name, job title or one of their skills matches `like` (an escaped ILIKE pattern, bound as given). */
function searchSql(like: string): string {
  return `(u.display_name ILIKE ${like} OR COALESCE(u.job_title, '') ILIKE ${like} OR EXISTS (SELECT 1 FROM unnest(u.skills) sk WHERE sk ILIKE ${like}))`;
}

/** The people's queries, named for what they answer. */
@Injectable()
export class UsersRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  /**
   * A page of the people the caller sees, by name then id, each with their organisation; `like`
   * (an escaped ILIKE pattern) narrows it. One statement, run through checkedQuery (so it may
   * prove the caller's cached principal, and runs as a named prepared statement), instead of
   * a query builder's page and a second statement for the organisations. `node` makes each
   * person and organisation into the page's node. totalCount, when asked for, counts the same
   * rows in a statement of its own.
   */
  async searchVisible(
    ability: AppAbility,
    page: PageArgs,
    like: string | null,
    node: (found: { user: User; organization: Organization }) => User,
  ): Promise<Connection<User>> {
    const first = pageSize(page.first);
    const after = decodeCursor(page.after, ['string', 'uuid']);
    const values: unknown[] = [];
    const bind = (value: unknown) => `$${values.push(value)}`;
    const scope = this.access.scopeSql(ability, 'User', 'u', values);
    const search = like ? ` AND ${searchSql(bind(like))}` : '';
    const keyset = after ? ` AND (u.display_name, u.id) > (${bind(after[0])}, ${bind(after[1])})` : '';
    const found = await this.usersWithOrganizations(
      ability,
      `${scope}${search}${keyset} ORDER BY u.display_name ASC, u.id ASC LIMIT ${first + 1}`,
      values,
    );
    return toConnection(
      found.map(node),
      first,
      (u) => [u.displayName, u.id],
      () => {
        const counted = this.visible(ability);
        if (like) counted.andWhere(searchSql(':like'), { like });
        return counted.getCount();
      },
    );
  }

  /**
   * The directory of experts: the People rule (restrict) AND the directory rule, in one query.
   * Listed: people who count; an internal caller finds every host user and the externals who
   * share one of their active spaces; an external caller finds who shares an active space with
   * them (in HUB spaces only host people and their own organisation's), never a profile hidden
   * from externals; an external with an active membership in a space where an OPEN risk of
   * impact >= 3 stands is left out for everyone.
   */
  searchExperts(ability: AppAbility, page: PageArgs, scope: ExpertsScope): Promise<Connection<User>> {
    const qb = this.visible(ability)
      .innerJoin(Organization, 'uo', 'uo.id = u.organization_id')
      .andWhere(userCountsSql('u', 'uo'))
      .andWhere(
        `(u.organization_id = :host OR NOT ${activeMembershipOf(
          'xm',
          `EXISTS (SELECT 1 FROM risk_entries xr WHERE xr."space_id" = xm."space_id" AND xr."status" = 'OPEN' AND xr."impact" >= 3)`,
        )})`,
      )
      .setParameters({ now: scope.now, host: scope.hostOrganizationId });
    const shared = activeMembershipOf('sm', `sm."space_id" = ANY(:openSpaces)`);
    if (scope.callerIsHost) {
      qb.andWhere(`(u.organization_id = :host OR ${shared})`, { openSpaces: scope.openSpaceIds });
    } else {
      qb.andWhere('u.hidden_from_externals = false').andWhere(
        `(${shared} OR (u.organization_id IN (:host, :own) AND ${activeMembershipOf('hm', `hm."space_id" = ANY(:hubSpaces)`)}))`,
        { openSpaces: scope.openSpaceIds, hubSpaces: scope.hubSpaceIds, own: scope.callerOrganizationId },
      );
    }
    if (scope.like) qb.andWhere(searchSql(':like'), { like: scope.like });
    if (scope.skill) {
      qb.andWhere(`EXISTS (SELECT 1 FROM unnest(u.skills) ks WHERE lower(ks) = lower(:skill))`, { skill: scope.skill });
    }
    return keysetPage(
      qb,
      [
        { sql: 'u.display_name', type: 'string', value: (u) => u.displayName },
        { sql: 'u.id', type: 'uuid', value: (u) => u.id },
      ],
      'ASC',
      page,
    );
  }

  findVisibleById(ability: AppAbility, id: string): Promise<User | null> {
    return this.visible(ability).andWhere('u.id = :id', { id }).getOne();
  }

  /** A person the caller sees, with their organisation (which the caller then sees too), in one statement. */
  findVisibleWithOrganization(
    ability: AppAbility,
    id: string,
  ): Promise<{ user: User; organization: Organization } | null> {
    const values: unknown[] = [];
    const scope = this.access.scopeSql(ability, 'User', 'u', values);
    values.push(id);
    return this.userWithOrganization(ability, `${scope} AND u.id = $${values.length}`, values);
  }

  /**
   * The caller's own row and organisation, by id alone: U sees U and U's own organisation
   * (DESIGN 2), which the ability says in memory (`{ id }` rules) without the clauses about
   * memberships and posts, so the statement is a primary-key lookup whose plan depends on
   * nothing else. Null if the ability does not grant both (it always does for a caller who
   * counts).
   */
  async findSelfWithOrganization(
    ability: AppAbility,
    id: string,
  ): Promise<{ user: User; organization: Organization } | null> {
    const found = await this.userWithOrganization(ability, 'u.id = $1', [id]);
    const seen =
      found !== null &&
      ability.can('read', asSubject('User', found.user)) &&
      ability.can('read', asSubject('Organization', found.organization));
    return seen ? found : null;
  }

  /** The one user `where` selects, with their organisation, through checkedQuery. */
  private async userWithOrganization(
    ability: AppAbility,
    where: string,
    values: unknown[],
  ): Promise<{ user: User; organization: Organization } | null> {
    return (await this.usersWithOrganizations(ability, where, values))[0] ?? null;
  }

  /** The users `where` (and what follows it: order, limit) selects, each with their organisation, through checkedQuery. */
  private async usersWithOrganizations(
    ability: AppAbility,
    where: string,
    values: unknown[],
  ): Promise<{ user: User; organization: Organization }[]> {
    const user = EntityColumns.of(this.dataSource, User, 'u');
    const organization = EntityColumns.of(this.dataSource, Organization, 'uo');
    const rows = await checkedQuery<Record<string, unknown>>(
      this.dataSource,
      ability,
      `SELECT ${user.select}, ${organization.select}
         FROM users u JOIN organizations uo ON uo.id = u.organization_id
        WHERE ${where}`,
      values,
    );
    return rows.map((row) => ({ user: user.hydrate(row), organization: organization.hydrate(row) }));
  }

  findVisibleByIds(ability: AppAbility, ids: readonly string[]): Promise<User[]> {
    return this.visible(ability)
      .andWhere('u.id = ANY(:ids)', { ids: [...ids] })
      .getMany();
  }

  /** Users by id without a visibility check: only for people the caller is known to see. */
  findByIds(ids: readonly string[]): Promise<User[]> {
    return this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.id = ANY(:ids)', { ids: [...ids] })
      .getMany();
  }

  private visible(ability: AppAbility): SelectQueryBuilder<User> {
    return this.access.restrict(this.dataSource.getRepository(User).createQueryBuilder('u'), ability, 'User');
  }
}
