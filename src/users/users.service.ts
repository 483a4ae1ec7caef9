import { Injectable } from '@nestjs/common';
import { AppAbility } from '../access/subjects';
import { WriteErrorCode, WriteException } from '../access/write.exception';
import { Principal } from '../auth/principal';
import { PartnerVisibility } from '../common/domain.enums';
import { Connection, PageArgs } from '../graphql/pagination';
import { Organization } from '../database/entities/organization.entity';
import { User } from '../database/entities/user.entity';
import { UsersRepository } from './users.repository';

const SEARCH_MAX = 200;

/** People: the directory and single profiles, through the caller's abilities. */
@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  /**
   * The people the caller sees; search matches names, job titles and skills (never emails).
   * `node` makes each person, fetched with their organisation, into the page's node.
   */
  directory(
    ability: AppAbility,
    page: PageArgs,
    search: string | null | undefined,
    node: (found: { user: User; organization: Organization }) => User,
  ): Promise<Connection<User>> {
    const term = search?.trim();
    const like = term ? `%${escapeLike(term)}%` : null;
    return this.users.searchVisible(ability, page, like, node);
  }

  /**
   * The directory of experts (issue 9, item 5): the people the caller sees who count, under
   * the directory rule (who shares a space with whom, the HUB rule, hidden profiles, the
   * risk map's exclusion of externals), in one query.
   */
  experts(
    p: Principal,
    ability: AppAbility,
    page: PageArgs,
    filter: { search?: string | null; skill?: string | null },
  ): Promise<Connection<User>> {
    const search = filter.search?.trim() || null;
    const skill = filter.skill?.trim() || null;
    for (const [field, value] of [
      ['search', search],
      ['skill', skill],
    ] as const) {
      if (value && [...value].length > SEARCH_MAX) {
        throw new WriteException(WriteErrorCode.INVALID_INPUT, `${field} has at most ${SEARCH_MAX} characters`, {
          field,
        });
      }
    }
    const spaces = p.activeMemberships;
    return this.users.searchExperts(ability, page, {
      now: p.now,
      hostOrganizationId: p.hostOrganizationId,
      callerOrganizationId: p.organizationId,
      callerIsHost: p.isHost,
      // For an external caller, HUB spaces show only the host's and their own organisation's people.
      openSpaceIds: spaces
        .filter((m) => p.isHost || m.partnerVisibility !== PartnerVisibility.HUB)
        .map((m) => m.spaceId),
      hubSpaceIds: spaces
        .filter((m) => !p.isHost && m.partnerVisibility === PartnerVisibility.HUB)
        .map((m) => m.spaceId),
      like: search ? `%${escapeLike(search)}%` : null,
      skill,
    });
  }

  findVisible(ability: AppAbility, id: string): Promise<User | null> {
    return this.users.findVisibleById(ability, id);
  }

  findVisibleWithOrganization(ability: AppAbility, id: string) {
    return this.users.findVisibleWithOrganization(ability, id);
  }

  findSelfWithOrganization(ability: AppAbility, id: string) {
    return this.users.findSelfWithOrganization(ability, id);
  }

  findManyVisible(ability: AppAbility, ids: readonly string[]): Promise<User[]> {
    return this.users.findVisibleByIds(ability, ids);
  }

  /** Users by id without a visibility check: only for people the caller is known to see. */
  findByIds(ids: readonly string[]): Promise<User[]> {
    return this.users.findByIds(ids);
  }
}

/** A term for ILIKE with its wildcards taken literally (backslash is PostgreSQL's default escape). */
function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}
