import { Injectable } from '@nestjs/common';
import { asSubject } from '../access/subjects';
import { AppAbility } from '../access/subjects';
import { WriteActor, WriteRunner, WriteTx } from '../access/write-runner';
import { WriteErrorCode, WriteException } from '../access/write.exception';
import { AuditService } from '../audit/audit.service';
import { hasRole, Principal } from '../auth/principal';
import { MAX_LEVEL, SpaceStatus, UserRole } from '../common/domain.enums';
import { parseId } from '../common/ids';
import { RiskEntry } from '../database/entities/risk-entry.entity';
import { RiskEntryRevision } from '../database/entities/risk-entry-revision.entity';
import { Space } from '../database/entities/space.entity';
import { SpacesService } from '../spaces/spaces.service';
import { CreateRiskEntryInput, UpdateRiskEntryInput } from './dto/risk-entry.inputs';
import { isCritical, RiskStatus } from './risk-levels';
import { RiskErrorCode, RiskException } from './risk.exception';
import { RisksRepository } from './risks.repository';

const DESCRIPTION_MAX = 2000;
const MITIGATION_MAX = 2000;

export interface RiskMap {
  space: Space;
  entries: RiskEntry[];
  matrix: { probability: number; impact: number; count: number }[];
  openCriticalRisk: boolean;
}

export interface SpaceRiskSummary {
  space: Space;
  highestOpenRisk: RiskEntry | null;
  openCount: number;
}

/** The state of an entry a revision records. */
type RiskState = Pick<RiskEntry, 'description' | 'probability' | 'impact' | 'ownerId' | 'mitigation' | 'status'>;
const STATE_FIELDS: readonly (keyof RiskState)[] = [
  'description',
  'probability',
  'impact',
  'ownerId',
  'mitigation',
  'status',
];

/** The facts the RiskEntry rules read. */
function riskSubject(spaceId: string) {
  return asSubject('RiskEntry', { spaceId });
}

/**
 * The risk map (issue 9, item 6). Reads: the space must be visible (NOT_FOUND like a missing
 * one), then its risks readable (FORBIDDEN, audited), and the entries filtered in SQL. Writes
 * go through WriteRunner: visibility, the RiskEntry write rule, then values and state, each
 * change recorded as a revision (the state after it) and an audit event in one transaction.
 * An OPEN risk of impact >= 3 drives the space: memberships/grant-rules.ts (30-day external
 * grants, four eyes) and the directory of experts read the same table.
 */
@Injectable()
export class RisksService {
  constructor(
    private readonly runner: WriteRunner,
    private readonly risks: RisksRepository,
    private readonly spaces: SpacesService,
    private readonly audit: AuditService,
  ) {}

  /** The space's map; `notFound` builds the read path's one answer for an invisible or missing space. */
  async riskMap(
    p: Principal,
    ability: AppAbility,
    rawSpaceId: string,
    notFound: () => Promise<Error>,
    requestId?: string,
  ): Promise<RiskMap> {
    const spaceId = parseId(rawSpaceId);
    const space = spaceId ? await this.spaces.findVisible(ability, spaceId) : null;
    if (!space) throw await notFound();
    if (!ability.can('read', riskSubject(space.id))) {
      throw await this.forbidden(
        p,
        'risk.map.read',
        'Space',
        space.id,
        requestId,
        "Only the space's OWNERs and ANIMATORs and security reviewers read its risk map",
      );
    }
    const entries = await this.risks.visibleEntriesOfSpace(ability, space.id);
    const matrix: RiskMap['matrix'] = [];
    for (let probability = 0; probability <= MAX_LEVEL; probability++) {
      for (let impact = 0; impact <= MAX_LEVEL; impact++) {
        const count = entries.filter(
          (e) => e.status !== RiskStatus.CLOSED && e.probability === probability && e.impact === impact,
        ).length;
        matrix.push({ probability, impact, count });
      }
    }
    return { space, entries, matrix, openCriticalRisk: entries.some(isCritical) };
  }

  /** Per space, the highest OPEN risk and the OPEN count: security reviewers only. */
  async overview(p: Principal, ability: AppAbility, requestId?: string): Promise<SpaceRiskSummary[]> {
    if (!(p.isHost && hasRole(p, UserRole.SECURITY_REVIEWER))) {
      throw await this.forbidden(
        p,
        'risk.overview.read',
        null,
        null,
        requestId,
        'Only a security reviewer reads the risk overview',
      );
    }
    const spaces = await this.risks.visibleSpaces(ability);
    const ids = spaces.map((s) => s.id);
    const [highest, counts] = await Promise.all([
      this.risks.highestOpenVisible(ability, ids),
      this.risks.openCountsVisible(ability, ids),
    ]);
    const bySpace = new Map(highest.map((r) => [r.spaceId, r]));
    return spaces.map((space) => ({
      space,
      highestOpenRisk: bySpace.get(space.id) ?? null,
      openCount: counts.get(space.id) ?? 0,
    }));
  }

  findVisible(ability: AppAbility, id: string): Promise<RiskEntry | null> {
    return this.risks.findVisibleById(ability, id);
  }

  findManyVisible(ability: AppAbility, ids: readonly string[]): Promise<RiskEntry[]> {
    return this.risks.findVisibleByIds(ability, ids);
  }

  /** Revisions of entries the caller is known to read, oldest first. */
  revisionsOf(ids: readonly string[]): Promise<RiskEntryRevision[]> {
    return this.risks.revisionsOf(ids);
  }

  create(actor: WriteActor, input: CreateRiskEntryInput): Promise<RiskEntry> {
    return this.runner.run(actor, 'risk.create', { type: 'Space', id: input.spaceId }, async (tx) => {
      const m = tx.manager;
      const spaceId = parseId(input.spaceId);
      const space = spaceId ? await this.risks.lockSpace(m, spaceId) : null;
      if (!space || !actor.ability.can('read', asSubject('Space', { id: space.id }))) {
        throw WriteException.notFound('Space', input.spaceId);
      }
      this.mayWrite(actor, 'create', space.id);
      const ownerId =
        input.ownerId !== undefined && input.ownerId !== null ? await this.owner(tx, actor, input.ownerId) : null;
      notArchived(space);
      const state: RiskState = {
        description: description(input.description),
        probability: level('probability', input.probability),
        impact: level('impact', input.impact),
        ownerId,
        mitigation: mitigation(input.mitigation ?? ''),
        status: input.status ?? RiskStatus.OPEN,
      };
      const entry = await m.save(
        m.create(RiskEntry, { spaceId: space.id, createdById: actor.principal.userId, ...state }),
      );
      await this.recordRevision(tx, entry);
      tx.audit({
        subjectType: 'RiskEntry',
        subjectId: entry.id,
        details: { spaceId: space.id, ...state, critical: isCritical(entry) },
      });
      return entry;
    });
  }

  update(actor: WriteActor, rawId: string, input: UpdateRiskEntryInput): Promise<RiskEntry> {
    return this.runner.run(actor, 'risk.update', { type: 'RiskEntry', id: rawId }, async (tx) => {
      const m = tx.manager;
      const id = parseId(rawId);
      const found = id ? await this.risks.lockEntry(m, id) : null;
      // The entry is visible to whoever may read the space's risks; anyone else: NOT_FOUND.
      if (!found || !actor.ability.can('read', riskSubject(found.spaceId))) {
        throw WriteException.notFound('RiskEntry', rawId);
      }
      const space = await this.risks.lockSpace(m, found.spaceId);
      if (!space) throw WriteException.notFound('RiskEntry', rawId);
      this.mayWrite(actor, 'update', space.id);
      const ownerGiven = input.ownerId !== undefined;
      const ownerId = typeof input.ownerId === 'string' ? await this.owner(tx, actor, input.ownerId) : null;
      notArchived(space);
      const given = (['description', 'probability', 'impact', 'mitigation', 'status'] as const).filter(
        (f) => input[f] !== undefined && input[f] !== null,
      );
      if (!given.length && !ownerGiven) {
        throw new WriteException(WriteErrorCode.INVALID_INPUT, 'Nothing to change: give at least one field');
      }
      const after: Partial<RiskState> = {};
      if (input.description !== undefined && input.description !== null)
        after.description = description(input.description);
      if (input.probability !== undefined && input.probability !== null) {
        after.probability = level('probability', input.probability);
      }
      if (input.impact !== undefined && input.impact !== null) after.impact = level('impact', input.impact);
      if (input.mitigation !== undefined && input.mitigation !== null) after.mitigation = mitigation(input.mitigation);
      if (input.status !== undefined && input.status !== null) after.status = input.status;
      if (ownerGiven) after.ownerId = ownerId;

      const changed: Record<string, { from: unknown; to: unknown }> = {};
      for (const f of STATE_FIELDS) {
        if (f in after && after[f] !== found[f]) changed[f] = { from: found[f], to: after[f] };
      }
      const wasCritical = isCritical(found);
      Object.assign(found, after);
      const entry = await m.save(found);
      await this.recordRevision(tx, entry);
      tx.audit({
        subjectType: 'RiskEntry',
        subjectId: entry.id,
        details: { spaceId: space.id, changed, critical: isCritical(entry), wasCritical },
      });
      return entry;
    });
  }

  private mayWrite(actor: WriteActor, action: 'create' | 'update', spaceId: string): void {
    if (!actor.ability.can(action, riskSubject(spaceId))) {
      throw new WriteException(
        WriteErrorCode.ROLE_REQUIRED,
        "Only the space's OWNERs and ANIMATORs and security reviewers write its risk map",
        { spaceId },
      );
    }
  }

  /** The owner: a user the caller sees (NOT_FOUND otherwise, like a missing one) from the host. */
  private async owner(tx: WriteTx, actor: WriteActor, rawId: string): Promise<string> {
    const id = parseId(rawId);
    const user = id ? await this.risks.visibleUser(tx.manager, actor.ability, id) : null;
    if (!user) throw WriteException.notFound('User', rawId);
    if (user.organizationId !== actor.principal.hostOrganizationId) {
      throw new WriteException(
        WriteErrorCode.RISK_OWNER_NOT_HOST,
        "A risk's owner is a person of the host organisation",
        {
          field: 'ownerId',
        },
      );
    }
    return user.id;
  }

  private async recordRevision(tx: WriteTx, entry: RiskEntry): Promise<void> {
    const state = Object.fromEntries(STATE_FIELDS.map((f) => [f, entry[f]])) as RiskState;
    await tx.manager.insert(RiskEntryRevision, {
      riskEntryId: entry.id,
      changedById: tx.actor?.principal.userId ?? null,
      ...state,
    });
  }

  private async forbidden(
    p: Principal,
    attempted: string,
    subjectType: string | null,
    subjectId: string | null,
    requestId: string | undefined,
    message: string,
  ): Promise<RiskException> {
    await this.audit.recordQuietly({
      action: 'authz.denied',
      outcome: 'DENIED',
      actorId: p.userId,
      actorOrganizationId: p.organizationId,
      subjectType,
      subjectId,
      reason: 'role_required',
      details: { attempted },
      requestId: requestId ?? null,
    });
    return new RiskException(RiskErrorCode.ROLE_REQUIRED, message, { attempted });
  }
}

function notArchived(space: Space): void {
  if (space.status === SpaceStatus.ARCHIVED) {
    throw new WriteException(WriteErrorCode.SPACE_ARCHIVED, 'The space is archived: its risk map is read-only', {
      spaceId: space.id,
    });
  }
}

function description(raw: string): string {
  const text = raw.trim();
  const length = [...text].length;
  if (length < 1 || length > DESCRIPTION_MAX) {
    throw new WriteException(
      WriteErrorCode.INVALID_INPUT,
      `A risk's description has 1 to ${DESCRIPTION_MAX} characters`,
      {
        field: 'description',
      },
    );
  }
  return text;
}

function mitigation(raw: string): string {
  const text = raw.trim();
  if ([...text].length > MITIGATION_MAX) {
    throw new WriteException(WriteErrorCode.INVALID_INPUT, `A mitigation has at most ${MITIGATION_MAX} characters`, {
      field: 'mitigation',
    });
  }
  return text;
}

function level(field: 'probability' | 'impact', value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_LEVEL) {
    throw new WriteException(WriteErrorCode.INVALID_INPUT, `A risk's ${field} is a level from 0 to ${MAX_LEVEL}`, {
      field,
      value,
    });
  }
  return value;
}
