import { Principal } from '../auth/principal';
import { PolicyCondition, PolicyDocument, PolicyRule, PolicyValue, shapeKey, shapeOf } from './policy-document';

/**
 * Evaluates the policy document on its own, without CASL: the rules that apply to the
 * principal's shape, the later first, the first whose fields and conditions match decides
 * (an inverted one refuses). Explanations name the deciding rule with it, and a test holds
 * it to `ability.can` on random principals and worlds: if the document and the engine
 * disagree, that test fails.
 */
export interface RuleCheck {
  rule: PolicyRule;
  matched: boolean;
  /** The top-level conditions that did not hold (empty when it matched). */
  failed: PolicyCondition[];
}

export interface PolicyVerdict {
  allowed: boolean;
  /** The rule that decided, allowing or (inverted) refusing; null when no rule matched. */
  deciding: PolicyRule | null;
  /** Every rule of the principal's shape for that action and subject, in precedence order. */
  checks: RuleCheck[];
}

export function evaluatePolicy(
  document: PolicyDocument,
  principal: Principal,
  action: string,
  subjectType: string,
  facts: Record<string, unknown>,
  field?: string,
): PolicyVerdict {
  const shape = shapeKey(shapeOf(principal));
  const candidates = rulesFor(document, shape, action, subjectType).filter((r) => fieldMatches(r, field));
  const checks: RuleCheck[] = [];
  let deciding: PolicyRule | null = null;
  for (const rule of candidates) {
    const failed = rule.conditions.filter((c) => !holds(c, facts, principal));
    checks.push({ rule, matched: failed.length === 0, failed });
    if (failed.length === 0 && !deciding) deciding = rule;
  }
  return { allowed: deciding !== null && !deciding.inverted, deciding, checks };
}

const INDEX = new WeakMap<PolicyDocument, Map<string, PolicyRule[]>>();

/** The rules of one shape for one action (or `manage`) and subject, the later first; indexed once per document. */
function rulesFor(document: PolicyDocument, shape: string, action: string, subject: string): PolicyRule[] {
  let index = INDEX.get(document);
  if (!index) INDEX.set(document, (index = new Map()));
  const key = `${shape}|${action}|${subject}`;
  let rules = index.get(key);
  if (!rules) {
    rules = document.rules
      .filter(
        (r) =>
          (r.action === action || r.action === 'manage') &&
          r.subject === subject &&
          r.appliesTo.some((s) => shapeKey(s) === shape),
      )
      .sort((a, b) => b.order - a.order);
    index.set(key, rules);
  }
  return rules;
}

/** CASL: a rule without fields covers every field; without a field asked, an inverted field rule does not apply. */
function fieldMatches(rule: PolicyRule, field: string | undefined): boolean {
  if (!rule.fields) return true;
  if (field === undefined) return !rule.inverted;
  return rule.fields.includes(field);
}

/** The value of a symbol for a real principal. */
export function resolve(value: PolicyValue | undefined, p: Principal): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, p));
  if (value === null || typeof value !== 'object') return value;
  switch (value.symbol) {
    case 'caller.id':
      return p.userId;
    case 'caller.organizationId':
      return p.organizationId;
    case 'caller.email':
      return p.email;
    case 'caller.effectiveClearance':
      return p.effectiveClearance;
    case 'host.organizationId':
      return p.hostOrganizationId;
    case 'now':
      return p.now;
    case 'caller.spaces':
      return p.activeMemberships
        .filter((m) => value.roles?.includes(m.role) && value.visibility?.includes(m.partnerVisibility))
        .map((m) => m.spaceId);
  }
}

function get(facts: unknown, path: string): unknown {
  let at: unknown = facts;
  for (const part of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

function comparable(v: unknown): unknown {
  return v instanceof Date ? v.getTime() : v;
}

function equal(a: unknown, b: unknown): boolean {
  return comparable(a) === comparable(b);
}

/** Mongo semantics: a condition on an array field holds when it holds for one of its items. */
export function holds(c: PolicyCondition, facts: unknown, p: Principal): boolean {
  const actual = get(facts, c.field);
  if (c.operator === 'elemMatch') {
    return Array.isArray(actual) && actual.some((item) => (c.conditions ?? []).every((x) => holds(x, item, p)));
  }
  const expected = resolve(c.value, p);
  const items = Array.isArray(actual) ? actual : [actual];
  const some = (test: (v: unknown) => boolean) => items.some(test);
  switch (c.operator) {
    case 'eq':
      return some((v) => equal(v, expected));
    case 'ne':
      return !some((v) => equal(v, expected));
    case 'in':
      return some((v) => (expected as unknown[]).some((e) => equal(v, e)));
    case 'nin':
      return !some((v) => (expected as unknown[]).some((e) => equal(v, e)));
    case 'lt':
      return some((v) => compare(v, expected) === -1);
    case 'lte':
      return some((v) => compare(v, expected) !== 1);
    case 'gt':
      return some((v) => compare(v, expected) === 1);
    case 'gte':
      return some((v) => compare(v, expected) !== -1);
  }
}

/**
 * Ordering as the engine's matcher has it (ucast with CASL's normalisation): equal, greater,
 * or else "less", a missing fact included. Facts the gateway builds are complete; this keeps
 * the document's reading exact even where they are not.
 */
function compare(a: unknown, b: unknown): -1 | 0 | 1 {
  const x = comparable(a) as number;
  const y = comparable(b) as number;
  if (x === y) return 0;
  return x > y ? 1 : -1;
}
