import { Injectable } from '@nestjs/common';
import { DenialService } from '../access/denial.service';
import { AppAbility, asSubject } from '../access/subjects';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../auth/principal';
import { Clock } from '../common/clock';
import { Locale, SpaceStatus } from '../common/domain.enums';
import { parseId } from '../common/ids';
import { Space } from '../database/entities/space.entity';
import { SpacesService } from '../spaces/spaces.service';
import { CommunityHealthErrorCode, CommunityHealthException } from './community-health.exception';
import { BucketCounts, CommunityHealthRepository, PeriodUnit, SPACE_GROUP } from './community-health.repository';
import { bucketFigures, HealthBucket, HealthFigure, peopleCount } from './health-figures';
import { HealthPeriod } from './models/health.model';

export const MAX_PERIODS = 24;
const DEFAULT_PERIODS: Record<HealthPeriod, number> = { [HealthPeriod.WEEK]: 8, [HealthPeriod.MONTH]: 6 };
const UNITS: Record<HealthPeriod, PeriodUnit> = { [HealthPeriod.WEEK]: 'week', [HealthPeriod.MONTH]: 'month' };

export interface HealthReader {
  principal: Principal;
  ability: AppAbility;
  requestId?: string;
}

export interface SpaceHealth {
  space: Space;
  period: HealthPeriod;
  buckets: HealthBucket[];
  pendingInvitations: HealthFigure;
  expiringMemberships: HealthFigure;
}

export interface HealthOverview {
  period: HealthPeriod;
  pilot: { spaces: number; buckets: HealthBucket[] };
  others: { spaces: number; buckets: HealthBucket[] };
}

/**
 * The health of a community, without surveillance (issue 9, item 7): aggregates per period,
 * computed in SQL, each withheld when it rests on fewer than 5 people. Checks in the house
 * order: the space is visible (NOT_FOUND like a missing one), the `readHealth` rule
 * (FORBIDDEN), then the input (BAD_USER_INPUT); every refusal is audited.
 */
@Injectable()
export class CommunityHealthService {
  constructor(
    private readonly repository: CommunityHealthRepository,
    private readonly spaces: SpacesService,
    private readonly denials: DenialService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async spaceHealth(
    reader: HealthReader,
    rawSpaceId: string,
    period: HealthPeriod,
    count: number | null | undefined,
  ): Promise<SpaceHealth> {
    const action = 'health.space';
    const id = parseId(rawSpaceId);
    const space = id ? await this.spaces.findVisible(reader.ability, id) : null;
    if (!space) throw await this.denials.notFound(reader.principal, 'Space', rawSpaceId, reader.requestId);
    if (!reader.ability.can('readHealth', asSubject('Space', { id: space.id }))) {
      throw await this.refuse(
        reader,
        action,
        space.id,
        CommunityHealthErrorCode.ROLE_REQUIRED,
        "Only the space's OWNERs and ANIMATORs, and HOST_ADMIN, read its health figures",
      );
    }
    const periods = await this.periodCount(reader, action, space.id, period, count);
    const now = this.clock.now();
    const locale = await this.locale(reader.principal);
    const host = reader.principal.hostOrganizationId;
    const rows = await this.repository.spaceBuckets(space.id, UNITS[period], periods, now, host);
    const current = await this.repository.currentCounts(space.id, now);
    return {
      space,
      period,
      buckets: figuresOf(rows, SPACE_GROUP, locale),
      pendingInvitations: peopleCount(current.pendingInvitations, locale),
      expiringMemberships: peopleCount(current.expiringMemberships, locale),
    };
  }

  async overview(
    reader: HealthReader,
    period: HealthPeriod,
    count: number | null | undefined,
  ): Promise<HealthOverview> {
    const action = 'health.overview';
    // Every space's figures: the readHealth rule on any space, which HOST_ADMIN alone holds.
    if (!reader.ability.can('readHealth', asSubject('Space', { id: null }))) {
      throw await this.refuse(
        reader,
        action,
        null,
        CommunityHealthErrorCode.ROLE_REQUIRED,
        'Only HOST_ADMIN reads the health overview of every space',
      );
    }
    const periods = await this.periodCount(reader, action, null, period, count);
    const now = this.clock.now();
    const locale = await this.locale(reader.principal);
    const rows = await this.repository.overviewBuckets(
      UNITS[period],
      periods,
      now,
      reader.principal.hostOrganizationId,
    );
    const spaces = await this.repository.spacesPerGroup();
    return {
      period,
      pilot: { spaces: spaces[SpaceStatus.PILOT] ?? 0, buckets: figuresOf(rows, SpaceStatus.PILOT, locale) },
      others: { spaces: spaces[SpaceStatus.ACTIVE] ?? 0, buckets: figuresOf(rows, SpaceStatus.ACTIVE, locale) },
    };
  }

  private async periodCount(
    reader: HealthReader,
    action: string,
    spaceId: string | null,
    period: HealthPeriod,
    count: number | null | undefined,
  ): Promise<number> {
    if (count === null || count === undefined) return DEFAULT_PERIODS[period];
    if (Number.isInteger(count) && count >= 1 && count <= MAX_PERIODS) return count;
    throw await this.refuse(
      reader,
      action,
      spaceId,
      CommunityHealthErrorCode.INVALID_INPUT,
      `count is a number of periods from 1 to ${MAX_PERIODS}`,
      { field: 'count', value: count },
    );
  }

  private async locale(p: Principal): Promise<Locale> {
    return (await this.repository.localeOf(p.userId)) === Locale.EN ? Locale.EN : Locale.FR;
  }

  private async refuse(
    { principal: p, requestId }: HealthReader,
    action: string,
    spaceId: string | null,
    code: CommunityHealthErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ): Promise<CommunityHealthException> {
    await this.audit.recordQuietly({
      action,
      outcome: 'DENIED',
      actorId: p.userId,
      actorOrganizationId: p.organizationId,
      subjectType: spaceId ? 'Space' : null,
      subjectId: spaceId,
      reason: code.toLowerCase(),
      details: { message, ...details },
      requestId: requestId ?? null,
    });
    return new CommunityHealthException(code, message, details);
  }
}

function figuresOf(rows: readonly BucketCounts[], group: string, locale: Locale): HealthBucket[] {
  return rows.filter((r) => r.grp === group).map((r) => bucketFigures(r, locale));
}
