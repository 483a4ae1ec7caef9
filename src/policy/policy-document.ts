import { createHash } from 'node:crypto';
import { MongoQuery, RawRuleOf } from '@casl/ability';
import { AbilityFactory } from '../access/ability.factory';
import { AppAbility } from '../access/subjects';
import { ActiveMembership, Principal } from '../auth/principal';
import { MembershipRole, OrganizationKind, PartnerVisibility, UserRole } from '../common/domain.enums';
import { describeShapes, ruleText } from './policy-text';

/**
 * The policy as data, derived from the engine itself: AbilityFactory builds the ability of
 * one symbolic principal per shape (host or external, each set of roles, an active
 * membership of every role in an OPEN and a HUB space), whose ids and values are
 * recognisable placeholders; its rules are read back and the placeholders turned into
 * symbols. The document therefore cannot drift from the code, and its version (a sha256 of
 * the canonical rules) changes whenever what the rules say changes.
 */

export type Side = 'HOST' | 'EXTERNAL';

/** Who a rule applies to: a side and an exact set of user roles (sorted). */
export interface PrincipalShape {
  side: Side;
  roles: UserRole[];
}

/** A value in a condition: a literal, a symbol of the caller or the instant, or a list. */
export type PolicyValue = string | number | boolean | null | PolicySymbol | PolicyValue[];

export interface PolicySymbol {
  symbol: SymbolName;
  /** For `caller.spaces`: the membership roles and space visibilities of that set. */
  roles?: MembershipRole[];
  visibility?: PartnerVisibility[];
}

export type SymbolName =
  | 'caller.id'
  | 'caller.organizationId'
  | 'caller.email'
  | 'caller.effectiveClearance'
  | 'host.organizationId'
  | 'caller.spaces'
  | 'now';

export type PolicyOperator = 'eq' | 'ne' | 'in' | 'nin' | 'lt' | 'lte' | 'gt' | 'gte' | 'elemMatch';

export interface PolicyCondition {
  /** A field of the subject, dotted through a to-one relation (`post.label`). */
  field: string;
  operator: PolicyOperator;
  /** Absent for elemMatch, which holds `conditions` on the elements of a to-many relation. */
  value?: PolicyValue;
  conditions?: PolicyCondition[];
}

export interface LocalizedText {
  fr: string;
  en: string;
}

export interface PolicyRule {
  /** Stable while the rule does not change: `<action>.<Subject>.<hash of the rule>`. */
  id: string;
  /** Position in the engine's order: a later rule takes precedence over an earlier one. */
  order: number;
  action: string;
  subject: string;
  inverted: boolean;
  fields: string[] | null;
  appliesTo: PrincipalShape[];
  /** The membership roles the rule's space sets draw on (empty: no membership needed). */
  membershipRoles: MembershipRole[];
  conditions: PolicyCondition[];
  who: LocalizedText;
  description: LocalizedText;
}

export interface PolicyDocument {
  version: string;
  rules: PolicyRule[];
  symbols: { symbol: SymbolName; description: LocalizedText }[];
}

/** Host roles count only for host users; a partner's users carry PARTNER_ADMIN at most. */
const SIDE_ROLES: Record<Side, UserRole[]> = {
  HOST: [UserRole.HOST_ADMIN, UserRole.SECURITY_REVIEWER, UserRole.PARTNER_ADMIN],
  EXTERNAL: [UserRole.PARTNER_ADMIN],
};
export const ROLE_ORDER: UserRole[] = [UserRole.HOST_ADMIN, UserRole.SECURITY_REVIEWER, UserRole.PARTNER_ADMIN];
export const MEMBERSHIP_ROLE_ORDER: MembershipRole[] = [
  MembershipRole.OWNER,
  MembershipRole.ANIMATOR,
  MembershipRole.MEMBER,
  MembershipRole.OBSERVER,
];
const VISIBILITY_ORDER: PartnerVisibility[] = [PartnerVisibility.OPEN, PartnerVisibility.HUB];

/** Every shape of principal the engine distinguishes. */
export function allShapes(): PrincipalShape[] {
  const out: PrincipalShape[] = [];
  for (const side of ['HOST', 'EXTERNAL'] as Side[]) {
    const roles = SIDE_ROLES[side];
    for (let mask = 0; mask < 1 << roles.length; mask++) {
      out.push({ side, roles: sortRoles(roles.filter((_, i) => mask & (1 << i))) });
    }
  }
  return out;
}

export function sortRoles(roles: readonly UserRole[]): UserRole[] {
  return ROLE_ORDER.filter((r) => roles.includes(r));
}

/** The shape of a real principal. */
export function shapeOf(p: Pick<Principal, 'isHost' | 'roles'>): PrincipalShape {
  const side: Side = p.isHost ? 'HOST' : 'EXTERNAL';
  return { side, roles: sortRoles(p.roles.filter((r) => SIDE_ROLES[side].includes(r))) };
}

export function shapeKey(s: PrincipalShape): string {
  return `${s.side}:${s.roles.join('+')}`;
}

// Placeholders: recognisable values no real principal carries.
const CALLER = '@caller';
const CALLER_ORGANIZATION = '@caller.organization';
const HOST_ORGANIZATION = '@host.organization';
const CALLER_EMAIL = '@caller.email';
/** Outside the 0-4 scale: only the caller's clearance can produce it. */
const CLEARANCE = 77;
const NOW = new Date('2999-01-01T00:00:00.000Z');
const SPACE_PREFIX = '@space/';

const SCALARS: Record<string, SymbolName> = {
  [CALLER]: 'caller.id',
  [CALLER_ORGANIZATION]: 'caller.organizationId',
  [HOST_ORGANIZATION]: 'host.organizationId',
  [CALLER_EMAIL]: 'caller.email',
};

/** The symbolic principal of a shape: an active membership of every role in an OPEN and a HUB space. */
export function symbolicPrincipal(shape: PrincipalShape): Principal {
  const isHost = shape.side === 'HOST';
  const memberships: ActiveMembership[] = [];
  for (const role of MEMBERSHIP_ROLE_ORDER) {
    for (const partnerVisibility of VISIBILITY_ORDER) {
      memberships.push({ spaceId: `${SPACE_PREFIX}${role}/${partnerVisibility}`, role, partnerVisibility });
    }
  }
  return {
    userId: CALLER,
    organizationId: isHost ? HOST_ORGANIZATION : CALLER_ORGANIZATION,
    organizationKind: isHost ? OrganizationKind.HOST : OrganizationKind.PARTNER,
    hostOrganizationId: HOST_ORGANIZATION,
    email: CALLER_EMAIL,
    displayName: 'caller',
    effectiveClearance: CLEARANCE,
    roles: [...shape.roles],
    isHost,
    activeMemberships: memberships,
    now: NOW,
    via: { kind: 'token', id: 'policy' },
  };
}

/** Builds the document from the engine. */
export function buildPolicyDocument(factory: Pick<AbilityFactory, 'createFor'> = new AbilityFactory()): PolicyDocument {
  interface Draft {
    key: string;
    rule: Draftable;
    shapes: PrincipalShape[];
    firstSeen: number;
  }
  const drafts = new Map<string, Draft>();
  const sequences: string[][] = [];
  let seen = 0;
  for (const shape of allShapes()) {
    const ability: AppAbility = factory.createFor(symbolicPrincipal(shape));
    const sequence: string[] = [];
    for (const raw of ability.rules) {
      for (const rule of expand(raw)) {
        const key = canonicalJson(rule);
        let draft = drafts.get(key);
        if (!draft) drafts.set(key, (draft = { key, rule, shapes: [], firstSeen: seen++ }));
        if (!draft.shapes.some((s) => shapeKey(s) === shapeKey(shape))) draft.shapes.push(shape);
        // Of two identical rules of one principal, the later takes precedence: keep that place.
        const at = sequence.indexOf(key);
        if (at >= 0) sequence.splice(at, 1);
        sequence.push(key);
      }
    }
    sequences.push(sequence);
  }
  const ordered = mergeOrders(sequences, (key) => drafts.get(key)!.firstSeen);
  const rules = ordered.map((key, order): PolicyRule => {
    const { rule, shapes } = drafts.get(key)!;
    const membershipRoles = MEMBERSHIP_ROLE_ORDER.filter((r) =>
      spaceSymbols(rule.conditions).some((s) => s.roles?.includes(r)),
    );
    const who = describeShapes(shapes, allShapes());
    return {
      id: `${rule.action}.${rule.subject}.${sha256(key).slice(0, 10)}`,
      order,
      ...rule,
      appliesTo: shapes,
      membershipRoles,
      who,
      description: ruleText(rule, who),
    };
  });
  const symbols = (Object.keys(SYMBOL_DESCRIPTIONS) as SymbolName[]).map((symbol) => ({
    symbol,
    description: SYMBOL_DESCRIPTIONS[symbol],
  }));
  return { version: policyVersion(rules), rules, symbols };
}

/** sha256 of the canonical rules: what each rule says, to whom, in which order. */
export function policyVersion(rules: PolicyRule[]): string {
  return sha256(
    canonicalJson(
      rules.map((r) => ({
        action: r.action,
        subject: r.subject,
        inverted: r.inverted,
        fields: r.fields,
        conditions: r.conditions,
        appliesTo: r.appliesTo,
      })),
    ),
  );
}

const SYMBOL_DESCRIPTIONS: Record<SymbolName, LocalizedText> = {
  'caller.id': { en: 'the caller', fr: 'l’appelant' },
  'caller.organizationId': { en: 'the caller’s organisation', fr: 'l’organisation de l’appelant' },
  'caller.email': { en: 'the caller’s email address', fr: 'l’adresse électronique de l’appelant' },
  'caller.effectiveClearance': {
    en: 'the caller’s effective clearance: min(user clearance, organisation cap)',
    fr: 'l’habilitation effective de l’appelant : min(habilitation, plafond de son organisation)',
  },
  'host.organizationId': { en: 'the host organisation', fr: 'l’organisation hôte' },
  'caller.spaces': {
    en: 'the spaces where the caller holds an active membership (ACTIVE, not expired, cleared for the classification) with one of the given roles, in spaces of the given visibilities',
    fr: 'les espaces où l’appelant est membre actif (ACTIVE, non expiré, habilité pour la classification) avec l’un des rôles donnés, dans des espaces des visibilités données',
  },
  now: { en: 'the instant of the decision', fr: 'l’instant de la décision' },
};

/** One entry per action and subject; CASL's arrays expanded. */
function expand(raw: RawRuleOf<AppAbility>): Draftable[] {
  const actions = ([] as string[]).concat(raw.action as string | string[]);
  const subjects = ([] as string[]).concat(raw.subject as string | string[]);
  const fields = raw.fields === undefined ? null : [...([] as string[]).concat(raw.fields as string | string[])].sort();
  const conditions = raw.conditions ? toConditions(raw.conditions as MongoQuery) : [];
  const out: Draftable[] = [];
  for (const action of actions) {
    for (const subject of subjects) {
      out.push({ action, subject, inverted: raw.inverted === true, fields, conditions });
    }
  }
  return out;
}

type Draftable = Pick<PolicyRule, 'action' | 'subject' | 'inverted' | 'fields' | 'conditions'>;

const OPERATORS: Record<string, PolicyOperator> = {
  $eq: 'eq',
  $ne: 'ne',
  $in: 'in',
  $nin: 'nin',
  $lt: 'lt',
  $lte: 'lte',
  $gt: 'gt',
  $gte: 'gte',
  $elemMatch: 'elemMatch',
};

/** A Mongo query of the rules as a list of conditions; anything unknown throws (never silently dropped). */
export function toConditions(query: MongoQuery): PolicyCondition[] {
  const out: PolicyCondition[] = [];
  for (const field of Object.keys(query).sort()) {
    if (field.startsWith('$')) throw new Error(`policy: top-level operator ${field} is not rendered`);
    const value = (query as Record<string, unknown>)[field];
    if (isOperatorObject(value)) {
      for (const op of Object.keys(value).sort()) {
        const operator = OPERATORS[op];
        if (!operator) throw new Error(`policy: operator ${op} on ${field} is not rendered`);
        const operand = value[op];
        if (operator === 'elemMatch') out.push({ field, operator, conditions: toConditions(operand as MongoQuery) });
        else out.push({ field, operator, value: symbolize(operand) });
      }
    } else {
      out.push({ field, operator: 'eq', value: symbolize(value) });
    }
  }
  return out;
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    Object.keys(value).length > 0 &&
    Object.keys(value).every((k) => k.startsWith('$'))
  );
}

function symbolize(value: unknown): PolicyValue {
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => typeof v === 'string' && v.startsWith(SPACE_PREFIX))) {
      const parts = (value as string[]).map((v) => v.slice(SPACE_PREFIX.length).split('/'));
      return {
        symbol: 'caller.spaces',
        roles: MEMBERSHIP_ROLE_ORDER.filter((r) => parts.some(([role]) => role === r)),
        visibility: VISIBILITY_ORDER.filter((v) => parts.some(([, vis]) => vis === v)),
      };
    }
    // [host, own organisation] of a host caller names the host twice.
    const items = value.map(symbolize);
    return items.filter((v, i) => items.findIndex((w) => canonicalJson(w) === canonicalJson(v)) === i);
  }
  if (value instanceof Date) {
    if (value.getTime() === NOW.getTime()) return { symbol: 'now' };
    return value.toISOString();
  }
  if (typeof value === 'string') {
    if (SCALARS[value]) return { symbol: SCALARS[value] };
    if (value.startsWith('@')) throw new Error(`policy: unknown placeholder ${value}`);
    return value;
  }
  if (value === CLEARANCE) return { symbol: 'caller.effectiveClearance' };
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  throw new Error(`policy: cannot render value ${String(value)}`);
}

function spaceSymbols(conditions: PolicyCondition[]): PolicySymbol[] {
  const out: PolicySymbol[] = [];
  const visit = (v: PolicyValue | undefined) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object' && v.symbol === 'caller.spaces') out.push(v);
  };
  for (const c of conditions) {
    visit(c.value);
    if (c.conditions) out.push(...spaceSymbols(c.conditions));
  }
  return out;
}

/**
 * One order consistent with every principal's own order (they all come from one code path):
 * a topological merge, ties broken by first appearance.
 */
function mergeOrders(sequences: string[][], rank: (key: string) => number): string[] {
  const after = new Map<string, Set<string>>();
  const indegree = new Map<string, number>();
  for (const seq of sequences) {
    for (const key of seq) if (!indegree.has(key)) indegree.set(key, 0);
    for (let i = 1; i < seq.length; i++) {
      const next = after.get(seq[i - 1]) ?? new Set<string>();
      if (!next.has(seq[i])) {
        next.add(seq[i]);
        indegree.set(seq[i], indegree.get(seq[i])! + 1);
      }
      after.set(seq[i - 1], next);
    }
  }
  const out: string[] = [];
  const ready = [...indegree].filter(([, d]) => d === 0).map(([k]) => k);
  while (out.length < indegree.size) {
    if (ready.length === 0) {
      // A cycle would mean two principals order two rules differently: break it by appearance.
      const rest = [...indegree].filter(([k]) => !out.includes(k)).sort((a, b) => rank(a[0]) - rank(b[0]));
      ready.push(rest[0][0]);
      indegree.set(rest[0][0], 0);
    }
    ready.sort((a, b) => rank(a) - rank(b));
    const key = ready.shift()!;
    if (out.includes(key)) continue;
    out.push(key);
    for (const next of after.get(key) ?? []) {
      const d = indegree.get(next)! - 1;
      indegree.set(next, d);
      if (d === 0 && !out.includes(next)) ready.push(next);
    }
  }
  return out;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted: one text per value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
