import { Injectable } from '@nestjs/common';
import { EntityManager, QueryFailedError } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { EXTERNAL_MEMBERSHIP_DEFAULT_DAYS, OrganizationKind } from '../common/domain.enums';
import { WorldImportErrorCode, WorldImportException } from './world-import.exception';
import { UpsertResult, WorldImportRepository } from './world-import.repository';
import { ValidMembership, ValidPost, ValidWorld, WORLD_SECTIONS, WorldSection, validateWorld } from './world.schema';

export interface WorldImportOptions {
  /** The instant of the import: default expiries and creation dates derive from it. */
  now?: Date;
  /** Who imports, for the audit log; null for the command line. */
  actorId?: string | null;
  /** Where the world came from (a file name), for the audit log. */
  source?: string;
}

export interface WorldImportResult {
  /** key → id of every keyed record; `<type>:<key>` for a key that several types use. */
  ids: Record<string, string>;
  /** Records in the world, per section. */
  counts: Record<WorldSection, number>;
  /** Rows inserted, and existing rows that changed; the rest were already as the file says. */
  created: Record<WorldSection, number>;
  updated: Record<WorldSection, number>;
  /** Accepted but worth a look (an email outside its organisation's domains...). */
  warnings: string[];
}

const DAY_MS = 86_400_000;

/**
 * Loads a world (the import format of world.schema.ts) in one transaction, idempotently:
 * every row is upserted on its id (memberships on user and space), and a row already as
 * the file says is left untouched, `updated_at` included.
 */
@Injectable()
export class WorldImportService {
  constructor(
    private readonly store: WorldImportRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async importWorld(world: unknown, options: WorldImportOptions = {}): Promise<WorldImportResult> {
    const now = options.now ?? this.clock.now();
    const actorId = options.actorId ?? null;
    const source = options.source ?? null;
    try {
      const valid = validateWorld(world, now);
      const counts = countOf(valid);
      return await this.store.inTransaction(async (manager) => {
        await this.store.lockImports(manager);
        await this.checkAgainstDatabase(manager, valid);
        const { created, updated } = await this.write(manager, valid, now);
        await this.audit.record(
          {
            action: 'world.import',
            outcome: 'SUCCESS',
            actorId,
            details: { source, counts, created, updated, warnings: valid.warnings.length },
          },
          manager,
        );
        return { ids: valid.ids, counts, created, updated, warnings: valid.warnings };
      });
    } catch (error) {
      const refusal = error instanceof WorldImportException ? error : databaseRefusal(error);
      await this.audit.recordQuietly({
        action: 'world.import',
        outcome: 'FAILURE',
        actorId,
        reason: refusal ? refusal.code.toLowerCase() : 'internal_error',
        details: {
          source,
          message: (refusal ?? (error as Error)).message,
          problems: refusal?.problems.slice(0, 20) ?? [],
        },
      });
      throw refusal ?? error;
    }
  }

  /** What the file cannot know: the host already stored, emails, domains and users of other rows. */
  private async checkAgainstDatabase(manager: EntityManager, world: ValidWorld): Promise<void> {
    const problems: string[] = [];

    const storedHosts = await this.store.findHostIds(manager);
    const fileOrgs = new Map(world.organizations.map((o) => [o.id, o]));
    const hosts = new Set(world.organizations.filter((o) => o.kind === OrganizationKind.HOST).map((o) => o.id));
    for (const { id } of storedHosts) if (!fileOrgs.has(id)) hosts.add(id);
    if (hosts.size === 0) {
      problems.push('organizations: no HOST organisation, in the file or stored; a world has exactly one');
    }
    for (const { id } of storedHosts) {
      const fileHost = world.organizations.find((o) => o.kind === OrganizationKind.HOST && o.id !== id);
      if (fileHost && !fileOrgs.has(id)) {
        problems.push(
          `${fileHost.path}: another HOST organisation is already stored (id ${id}); there is exactly one host`,
        );
      }
      const demoted = fileOrgs.get(id);
      if (demoted && demoted.kind !== OrganizationKind.HOST) {
        problems.push(
          `${demoted.path}: this organisation is the stored HOST; an import cannot make it ${demoted.kind}`,
        );
      }
    }

    const userIds = world.users.map((u) => u.id);
    const moved = await this.store.findUserOrganizations(manager, userIds);
    const usersById = new Map(world.users.map((u) => [u.id, u]));
    for (const row of moved) {
      const user = usersById.get(row.id);
      if (user && user.organizationId !== row.organization_id) {
        problems.push(
          `${user.path}: this user is stored in another organisation (id ${row.organization_id}); an import does not move people between organisations`,
        );
      }
    }

    const emails = world.users.map((u) => u.email);
    const taken = await this.store.findUsersByEmails(manager, emails);
    const usersByEmail = new Map(world.users.map((u) => [u.email, u]));
    for (const row of taken) {
      const user = usersByEmail.get(row.email);
      if (user && user.id !== row.id)
        problems.push(`${user.path}: email "${row.email}" already belongs to another user (id ${row.id})`);
    }

    const domains = world.organizations.flatMap((o) => o.domains);
    const claimed = await this.store.findOrganizationsClaimingDomains(manager, domains);
    for (const row of claimed) {
      for (const org of world.organizations) {
        if (org.id === row.id) continue;
        for (const d of org.domains) {
          if (row.domains.includes(d))
            problems.push(`${org.path}: domain "${d}" already belongs to organisation "${row.name}" (id ${row.id})`);
        }
      }
    }

    if (problems.length > 0) throw WorldImportException.conflicts(problems);
  }

  private async write(
    manager: EntityManager,
    world: ValidWorld,
    now: Date,
  ): Promise<Pick<WorldImportResult, 'created' | 'updated'>> {
    const created = zeroCounts();
    const updated = zeroCounts();
    const tally = (section: WorldSection, r: UpsertResult) => {
      created[section] += r.created.length;
      updated[section] += r.updated.length;
    };

    tally(
      'organizations',
      await this.store.upsert(manager, {
        table: 'organizations',
        conflict: 'id',
        columns: ['id', 'name', 'kind', 'domains', 'clearance_cap', 'status', 'created_at', 'updated_at'],
        update: ['name', 'kind', 'domains', 'clearance_cap', 'status'],
        rows: world.organizations.map((o) => [o.id, o.name, o.kind, o.domains, o.clearanceCap, o.status, now, now]),
      }),
    );

    // A job title or a bio the file does not give is left as stored (sign-in may have filled
    // the title; the bio is the person's own words).
    const userColumns = [
      'id',
      'organization_id',
      'email',
      'display_name',
      'job_title',
      'bio',
      'skills',
      'clearance',
      'status',
      'roles',
      'created_at',
      'updated_at',
    ];
    const userUpdate = ['organization_id', 'email', 'display_name', 'skills', 'clearance', 'status', 'roles'];
    for (const withTitle of [true, false]) {
      for (const withBio of [true, false]) {
        const users = world.users.filter(
          (u) => (u.jobTitle !== undefined) === withTitle && (u.bio !== undefined) === withBio,
        );
        tally(
          'users',
          await this.store.upsert(manager, {
            table: 'users',
            conflict: 'id',
            columns: userColumns,
            update: [...userUpdate, ...(withTitle ? ['job_title'] : []), ...(withBio ? ['bio'] : [])],
            rows: users.map((u) => [
              u.id,
              u.organizationId,
              u.email,
              u.displayName,
              u.jobTitle ?? null,
              u.bio ?? '',
              u.skills,
              u.clearance,
              u.status,
              u.roles,
              now,
              now,
            ]),
          }),
        );
      }
    }

    // A stored space's classification only goes down here; a rise waits until its posts
    // carry their new labels, or the label trigger would refuse a world that ends up sound.
    const spaces = await this.store.upsert(manager, {
      table: 'spaces',
      conflict: 'id',
      columns: ['id', 'name', 'purpose', 'classification', 'status', 'partner_visibility', 'created_at', 'updated_at'],
      update: ['name', 'purpose', 'status', 'partner_visibility'],
      expressions: { classification: 'LEAST(EXCLUDED.classification, t.classification)' },
      rows: world.spaces.map((s) => [
        s.id,
        s.name,
        s.purpose,
        s.classification,
        s.status,
        s.partnerVisibility,
        now,
        now,
      ]),
    });

    // An expiry the file does not give: 90 days for an external member, none for a host
    // member; kept as stored on re-import, so importing twice changes nothing.
    for (const given of [true, false]) {
      const memberships = world.memberships.filter((m) => (m.expiresAt !== undefined) === given);
      tally(
        'memberships',
        await this.store.upsert(manager, {
          table: 'memberships',
          conflict: 'user_id, space_id',
          columns: [
            'id',
            'user_id',
            'user_organization_id',
            'space_id',
            'role',
            'status',
            'expires_at',
            'sponsor_id',
            'created_at',
            'updated_at',
          ],
          update: given ? ['role', 'status', 'expires_at', 'sponsor_id'] : ['role', 'status', 'sponsor_id'],
          rows: memberships.map((m) => [
            m.id,
            m.userId,
            m.userOrganizationId,
            m.spaceId,
            m.role,
            m.status,
            expiryOf(m, now),
            m.sponsorId,
            now,
            now,
          ]),
        }),
      );
    }

    // A creation date given as an instant is the file's; one omitted or relative to the
    // import is set on insert and kept as stored on re-import.
    for (const given of [true, false]) {
      const posts = world.posts.filter((p) => fixedDate(p) === given);
      tally(
        'posts',
        await this.store.upsert(manager, {
          table: 'posts',
          conflict: 'id',
          columns: [
            'id',
            'space_id',
            'author_id',
            'author_organization_id',
            'title',
            'body',
            'label',
            'hidden',
            'hidden_at',
            'created_at',
            'updated_at',
          ],
          update: given
            ? ['space_id', 'author_id', 'author_organization_id', 'title', 'body', 'label', 'hidden', 'created_at']
            : ['space_id', 'author_id', 'author_organization_id', 'title', 'body', 'label', 'hidden'],
          // Who hid a post and when stay as stored while it stays hidden.
          expressions: {
            hidden_at:
              'CASE WHEN NOT EXCLUDED.hidden THEN NULL WHEN t.hidden THEN t.hidden_at ELSE EXCLUDED.hidden_at END',
            hidden_by_id: 'CASE WHEN EXCLUDED.hidden AND t.hidden THEN t.hidden_by_id ELSE NULL END',
          },
          rows: posts.map((p) => postRow(p, now)),
        }),
      );
    }

    const raised = await this.store.raiseClassifications(manager, world.spaces, now);
    created.spaces = spaces.created.length;
    updated.spaces = new Set([...spaces.updated, ...raised]).size;

    for (const given of [true, false]) {
      const comments = world.comments.filter((c) => fixedDate(c) === given);
      tally(
        'comments',
        await this.store.upsert(manager, {
          table: 'comments',
          conflict: 'id',
          columns: ['id', 'post_id', 'author_id', 'author_organization_id', 'body', 'created_at', 'updated_at'],
          update: given
            ? ['post_id', 'author_id', 'author_organization_id', 'body', 'created_at']
            : ['post_id', 'author_id', 'author_organization_id', 'body'],
          rows: comments.map((c) => [
            c.id,
            c.postId,
            c.authorId,
            c.authorOrganizationId,
            c.body,
            c.createdAt ?? now,
            now,
          ]),
        }),
      );
    }

    for (const given of [true, false]) {
      const reactions = world.reactions.filter((r) => fixedDate(r) === given);
      tally(
        'reactions',
        await this.store.upsert(manager, {
          table: 'reactions',
          conflict: 'id',
          columns: ['id', 'post_id', 'comment_id', 'author_id', 'author_organization_id', 'kind', 'created_at'],
          update: given
            ? ['post_id', 'comment_id', 'author_id', 'author_organization_id', 'kind', 'created_at']
            : ['post_id', 'comment_id', 'author_id', 'author_organization_id', 'kind'],
          rows: reactions.map((r) => [
            r.id,
            r.postId,
            r.commentId,
            r.authorId,
            r.authorOrganizationId,
            r.emoji,
            r.createdAt ?? now,
          ]),
          touch: false,
        }),
      );
    }

    // Risk entries: each one created or changed by the file gets a revision, so its history
    // starts with the state the import gave it.
    const risks = await this.store.upsert(manager, {
      table: 'risk_entries',
      conflict: 'id',
      columns: [
        'id',
        'space_id',
        'description',
        'probability',
        'impact',
        'owner_id',
        'mitigation',
        'status',
        'created_at',
        'updated_at',
      ],
      update: ['space_id', 'description', 'probability', 'impact', 'owner_id', 'mitigation', 'status'],
      rows: world.risks.map((r) => [
        r.id,
        r.spaceId,
        r.description,
        r.probability,
        r.impact,
        r.ownerId,
        r.mitigation,
        r.status,
        now,
        now,
      ]),
    });
    await this.store.recordRiskRevisions(manager, [...risks.created, ...risks.updated], now);
    return { created, updated };
  }
}

/** Whether a record's creation date is the file's own (an instant), rather than omitted or relative. */
function fixedDate(r: { createdAt: Date | undefined; createdAtRelative: boolean }): boolean {
  return r.createdAt !== undefined && !r.createdAtRelative;
}

function expiryOf(m: ValidMembership, now: Date): Date | null {
  if (m.expiresAt !== undefined) return m.expiresAt;
  return m.external ? new Date(now.getTime() + EXTERNAL_MEMBERSHIP_DEFAULT_DAYS * DAY_MS) : null;
}

function postRow(p: ValidPost, now: Date): unknown[] {
  return [
    p.id,
    p.spaceId,
    p.authorId,
    p.authorOrganizationId,
    p.title,
    p.body,
    p.label,
    p.hidden,
    p.hidden ? now : null,
    p.createdAt ?? now,
    now,
  ];
}

function countOf(world: ValidWorld): Record<WorldSection, number> {
  return Object.fromEntries(WORLD_SECTIONS.map((s) => [s, world[s].length])) as Record<WorldSection, number>;
}

function zeroCounts(): Record<WorldSection, number> {
  return Object.fromEntries(WORLD_SECTIONS.map((s) => [s, 0])) as Record<WorldSection, number>;
}

// Constraints and triggers whose refusal a person can act on; the database's own words otherwise.
const REFUSALS: Record<string, string> = {
  posts_label_classification_check: "a space's classification would be above the label of a post stored in it",
  memberships_external_role_check: 'an external user would be OWNER or ANIMATOR of a space',
  users_host_roles_check: 'a user outside the host would hold HOST_ADMIN or SECURITY_REVIEWER',
  users_partner_roles_check: 'a host user would hold PARTNER_ADMIN',
  users_email_key: 'two users would share an email',
  organizations_single_host: 'there would be more than one HOST organisation',
};

/** A refusal by a constraint or trigger, as an import error; null for any other failure. */
function databaseRefusal(error: unknown): WorldImportException | null {
  if (!(error instanceof QueryFailedError)) return null;
  const cause = error.driverError as { code?: string; constraint?: string; message?: string; detail?: string };
  // Class 23 is integrity constraint violation; P0001 is a RAISE without a code.
  if (!cause.code || !(cause.code.startsWith('23') || cause.code === 'P0001')) return null;
  const known = cause.constraint ? REFUSALS[cause.constraint] : undefined;
  const words = known ?? `${cause.message ?? error.message}${cause.detail ? ` (${cause.detail})` : ''}`;
  return new WorldImportException(
    WorldImportErrorCode.CONFLICTS_WITH_DATABASE,
    `the database refused the import, nothing was written: ${words}`,
    {
      constraint: cause.constraint ?? null,
    },
  );
}
