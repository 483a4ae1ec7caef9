import {
  HOST_ONLY_SPACE_ROLES,
  HOST_ONLY_USER_ROLES,
  PARTNER_ONLY_USER_ROLES,
  MembershipRole,
  MembershipStatus,
  OrganizationKind,
  OrganizationStatus,
  PartnerVisibility,
  SpaceStatus,
  UserRole,
  UserStatus,
} from '../common/domain.enums';
import { WorldImportException } from './world-import.exception';
import { worldId } from './world-id';
import { CrossChecks } from './world-cross-checks';
import { DOMAIN, EMAIL, isObject, Keyed, Problems, RecordReader, RISK_FIELDS, show } from './world-records';
import {
  ValidComment,
  ValidMembership,
  ValidOrganization,
  ValidPost,
  ValidReaction,
  ValidRisk,
  ValidSpace,
  ValidUser,
  WORLD_SECTIONS,
  WorldRiskStatus,
  WorldSection,
} from './world.types';

// One validator per section of a world. Each reads its records in file order and resolves
// references to the sections read before it; the rules across records are in CrossChecks.

/** The records of each section, each with a reader named after it; unknown sections and fields are warned about. */
export function readSections(
  input: unknown,
  problems: Problems,
  now: Date = new Date(),
): Record<WorldSection, RecordReader[]> {
  if (!isObject(input)) {
    throw WorldImportException.invalid([
      `the world must be a JSON object with the sections ${WORLD_SECTIONS.join(', ')}, got ${show(input)}`,
    ]);
  }
  for (const section of Object.keys(input)) {
    // `$schema`, `$comment` and the like are metadata, not data.
    if (!section.startsWith('$') && !(WORLD_SECTIONS as readonly string[]).includes(section)) {
      problems.warn(`unknown section "${section}" ignored (expected ${WORLD_SECTIONS.join(', ')})`);
    }
  }
  const sections = {} as Record<WorldSection, RecordReader[]>;
  for (const section of WORLD_SECTIONS) {
    const list = input[section] ?? [];
    sections[section] = [];
    if (!Array.isArray(list)) {
      problems.add(`${section} must be a list, got ${show(list)}`);
      continue;
    }
    list.forEach((raw: unknown, i) => {
      if (!isObject(raw)) {
        problems.add(`${section}[${i}]: must be an object, got ${show(raw)}`);
        return;
      }
      const label =
        section === 'memberships'
          ? ` (user ${show(raw.user)}, space ${show(raw.space)})`
          : section === 'reactions'
            ? ` (author ${show(raw.author)})`
            : raw.key === undefined
              ? ''
              : ` (key ${show(raw.key)})`;
      const reader = new RecordReader(`${section}[${i}]${label}`, raw, problems, now);
      reader.unknownFields(section);
      sections[section].push(reader);
    });
  }
  return sections;
}

export function validateOrganizations(
  readers: RecordReader[],
  problems: Problems,
  checks: CrossChecks,
): Keyed<ValidOrganization> {
  const organizations = new Keyed<ValidOrganization>(problems);
  readers.forEach((r) => {
    const key = r.text('key');
    const domains = r.strings('domains').map((d) => d.toLowerCase());
    for (const d of domains) if (!DOMAIN.test(d)) r.problem(`domain "${d}" is not a domain name`);
    const org: ValidOrganization = {
      path: r.path,
      key,
      id: r.id('organization', key),
      name: r.text('name'),
      kind: r.oneOf('kind', OrganizationKind),
      domains,
      clearanceCap: r.level('clearanceCap', 'clearanceCap'),
      status: r.oneOf('status', OrganizationStatus, OrganizationStatus.ACTIVE),
    };
    organizations.add(org);
    checks.claimId(org.id, r.path);
  });
  checks.singleHost(organizations.list);
  checks.domainsClaimedOnce(organizations.list);
  return organizations;
}

export function validateUsers(
  readers: RecordReader[],
  organizations: Keyed<ValidOrganization>,
  problems: Problems,
  checks: CrossChecks,
): Keyed<ValidUser> {
  const users = new Keyed<ValidUser>(problems);
  readers.forEach((r) => {
    const key = r.text('key');
    const orgKey = r.text('organization');
    const org = orgKey ? organizations.get(orgKey) : undefined;
    if (orgKey && !org) r.problem(`organization ${show(orgKey)} is not defined`);
    const external = org?.kind !== OrganizationKind.HOST;
    const email = r.text('email').toLowerCase();
    const emailMatch = EMAIL.exec(email);
    if (email && !emailMatch) r.problem(`email ${show(email)} is not an email address`);
    if (email) checks.claimEmail(r, email);
    if (org && emailMatch) checks.emailInDomains(r, org, emailMatch[1]);
    const roles = r.strings('roles').map((role) => {
      if (!(Object.values(UserRole) as string[]).includes(role)) {
        r.problem(`role ${show(role)} is not one of ${Object.values(UserRole).join(', ')}`);
      }
      return role as UserRole;
    });
    if (org && external) {
      for (const role of roles)
        if (HOST_ONLY_USER_ROLES.includes(role))
          r.problem(`${role} is held by host users only (organization ${show(org.key)} is ${org.kind})`);
    }
    if (org && !external) {
      for (const role of roles)
        if (PARTNER_ONLY_USER_ROLES.includes(role))
          r.problem(`${role} is held by users outside the host only (organization ${show(org.key)} is ${org.kind})`);
    }
    const user: ValidUser = {
      path: r.path,
      key,
      id: r.id('user', key),
      organizationId: org?.id ?? '',
      external,
      email,
      displayName: r.text('displayName'),
      jobTitle: r.nullableText('jobTitle'),
      bio: r.has('bio') ? r.optionalText('bio', '') : undefined,
      clearance: r.level('clearance', 'clearance'),
      status: r.oneOf('status', UserStatus, UserStatus.ACTIVE),
      roles,
      skills: r.strings('skills'),
    };
    users.add(user);
    checks.claimId(user.id, r.path);
  });
  return users;
}

export function validateSpaces(
  readers: RecordReader[],
  users: Keyed<ValidUser>,
  problems: Problems,
  checks: CrossChecks,
): { spaces: Keyed<ValidSpace>; risks: ValidRisk[] } {
  const spaces = new Keyed<ValidSpace>(problems);
  const risks: ValidRisk[] = [];
  readers.forEach((r) => {
    const key = r.text('key');
    const space: ValidSpace = {
      path: r.path,
      key,
      id: r.id('space', key),
      name: r.text('name'),
      purpose: r.optionalText('purpose', ''),
      classification: r.level('classification', 'classification'),
      status: r.oneOf('status', SpaceStatus, SpaceStatus.ACTIVE),
      partnerVisibility: r.oneOf('partnerVisibility', PartnerVisibility),
    };
    spaces.add(space);
    checks.claimId(space.id, r.path);
    risks.push(...validateRisks(r, space, users, checks));
  });
  return { spaces, risks };
}

/** A space's risk map, given inside it: `risks: [{ description, probability, impact, owner, mitigation, status }]`. */
function validateRisks(r: RecordReader, space: ValidSpace, users: Keyed<ValidUser>, checks: CrossChecks): ValidRisk[] {
  const list = r.value('risks');
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    r.problem(`risks must be a list, got ${show(list)}`);
    return [];
  }
  const risks: ValidRisk[] = [];
  list.forEach((raw: unknown, j) => {
    if (!isObject(raw)) {
      r.problem(`risks[${j}] must be an object, got ${show(raw)}`);
      return;
    }
    const rr = r.nested(`risks[${j}]`, raw);
    rr.unknownFields(RISK_FIELDS);
    // A key keeps an entry's identity when the list is reordered; its position otherwise.
    const key = rr.has('key') ? rr.text('key') : String(j);
    const owner = rr.has('owner') && rr.value('owner') !== null ? users.ref(rr, 'owner') : undefined;
    const risk: ValidRisk = {
      path: rr.path,
      id: worldId('risk', `${space.key}/${key}`),
      spaceId: space.id,
      description: rr.text('description'),
      probability: rr.level('probability', 'probability'),
      impact: rr.level('impact', 'impact'),
      ownerId: owner?.id ?? null,
      mitigation: rr.optionalText('mitigation', ''),
      status: rr.oneOf('status', WorldRiskStatus, WorldRiskStatus.OPEN),
    };
    checks.claimId(risk.id, rr.path);
    risks.push(risk);
  });
  return risks;
}

export function validateMemberships(
  readers: RecordReader[],
  users: Keyed<ValidUser>,
  spaces: Keyed<ValidSpace>,
  problems: Problems,
  checks: CrossChecks,
): ValidMembership[] {
  const memberships: ValidMembership[] = [];
  readers.forEach((r) => {
    const user = users.ref(r, 'user');
    const space = spaces.ref(r, 'space');
    const role = r.oneOf('role', MembershipRole);
    let expiresAt = r.instant('expiresAt', true);
    if (user?.external && HOST_ONLY_SPACE_ROLES.includes(role)) r.problem(`an external user cannot be ${role}`);
    if (user?.external && expiresAt === null) {
      // External memberships always expire (DESIGN 1): null means "the default", like omitting it.
      problems.warn(`${r.path}: an external membership cannot be without expiry; the default of 90 days applies`);
      expiresAt = undefined;
    }
    const sponsor = r.has('sponsor') ? users.ref(r, 'sponsor') : undefined;
    if (sponsor?.external) r.problem(`sponsor ${show(sponsor.key)} is not a host user: sponsors are internal`);
    if (!user || !space) return;
    const pair = `${user.id}/${space.id}`;
    checks.claimMembership(r, pair, user.key, space.key);
    memberships.push({
      path: r.path,
      id: worldId('membership', pair),
      userId: user.id,
      userOrganizationId: user.organizationId,
      spaceId: space.id,
      external: user.external,
      role,
      status: r.oneOf('status', MembershipStatus, MembershipStatus.ACTIVE),
      expiresAt,
      sponsorId: sponsor?.id ?? null,
    });
  });
  // Every external grant has an internal sponsor (DESIGN 1): by default the space's first
  // host OWNER in the file.
  const ownerOf = new Map<string, string>();
  for (const m of memberships) {
    if (!m.external && m.role === MembershipRole.OWNER && !ownerOf.has(m.spaceId)) ownerOf.set(m.spaceId, m.userId);
  }
  for (const m of memberships) if (m.external && !m.sponsorId) m.sponsorId = ownerOf.get(m.spaceId) ?? null;
  return memberships;
}

export function validatePosts(
  readers: RecordReader[],
  spaces: Keyed<ValidSpace>,
  users: Keyed<ValidUser>,
  problems: Problems,
  checks: CrossChecks,
): Keyed<ValidPost> {
  const posts = new Keyed<ValidPost>(problems);
  readers.forEach((r) => {
    const key = r.text('key');
    const space = spaces.ref(r, 'space');
    const author = users.ref(r, 'author');
    // DESIGN: a post's label defaults to its space's classification.
    const label = r.has('label') ? r.level('label', 'label') : (space?.classification ?? 0);
    if (space && r.has('label') && label < space.classification) {
      r.problem(`label ${label} is below the classification ${space.classification} of space ${show(space.key)}`);
    }
    const post: ValidPost = {
      path: r.path,
      key,
      id: r.id('post', key),
      spaceId: space?.id ?? '',
      authorId: author?.id ?? '',
      authorOrganizationId: author?.organizationId ?? '',
      title: r.text('title'),
      body: r.string('body'),
      label,
      hidden: r.bool('hidden', false),
      createdAt: r.instant('createdAt', false) ?? undefined,
      createdAtRelative: r.relative('createdAt'),
    };
    posts.add(post);
    checks.claimId(post.id, r.path);
  });
  return posts;
}

export function validateComments(
  readers: RecordReader[],
  posts: Keyed<ValidPost>,
  users: Keyed<ValidUser>,
  problems: Problems,
  checks: CrossChecks,
): Keyed<ValidComment> {
  const comments = new Keyed<ValidComment>(problems);
  readers.forEach((r) => {
    const key = r.text('key');
    const post = posts.ref(r, 'post');
    const author = users.ref(r, 'author');
    const comment: ValidComment = {
      path: r.path,
      key,
      id: r.id('comment', key),
      postId: post?.id ?? '',
      authorId: author?.id ?? '',
      authorOrganizationId: author?.organizationId ?? '',
      body: r.text('body'),
      createdAt: r.instant('createdAt', false) ?? undefined,
      createdAtRelative: r.relative('createdAt'),
    };
    comments.add(comment);
    checks.claimId(comment.id, r.path);
  });
  return comments;
}

export const EMOJI_MAX = 32;

/** Reactions to a post (`post`) or to a comment (`comment`, its post implied): exactly one of the two. */
export function validateReactions(
  readers: RecordReader[],
  posts: Keyed<ValidPost>,
  comments: Keyed<ValidComment>,
  users: Keyed<ValidUser>,
  checks: CrossChecks,
): ValidReaction[] {
  const reactions: ValidReaction[] = [];
  readers.forEach((r) => {
    const author = users.ref(r, 'author');
    const emoji = r.text('emoji');
    if (emoji.length > EMOJI_MAX) r.problem(`emoji has at most ${EMOJI_MAX} characters`);
    if (r.has('post') === r.has('comment')) {
      r.problem('give exactly one of post and comment');
      return;
    }
    const comment = r.has('comment') ? comments.ref(r, 'comment') : undefined;
    const postId = comment ? comment.postId : r.has('post') ? posts.ref(r, 'post')?.id : undefined;
    if (!author || !postId || !emoji) return;
    const id = worldId('reaction', `${comment?.id ?? postId}/${author.id}/${emoji}`);
    checks.claimId(id, r.path);
    reactions.push({
      path: r.path,
      id,
      postId,
      commentId: comment?.id ?? null,
      authorId: author.id,
      authorOrganizationId: author.organizationId,
      emoji,
      createdAt: r.instant('createdAt', false) ?? undefined,
      createdAtRelative: r.relative('createdAt'),
    });
  });
  return reactions;
}
