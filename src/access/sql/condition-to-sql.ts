import { CompoundCondition, Condition, FieldCondition } from '@ucast/mongo2js';
import { SubjectName } from '../subjects';
import { SUBJECT_SQL, SqlSubjectSchema } from './subject-sql-schema';

/** A piece of WHERE clause with its named parameters (TypeORM `:name` syntax). */
export interface SqlFragment {
  sql: string;
  params: Record<string, unknown>;
}

/** Thrown for a rule the translator cannot express: callers must refuse, never widen. */
export class UntranslatableConditionError extends Error {}

class Context {
  readonly params: Record<string, unknown> = {};
  private n = 0;
  private aliases = 0;

  constructor(
    private readonly prefix: string,
    readonly root: string,
    readonly bound: Readonly<Record<string, string>>,
  ) {}

  param(value: unknown): string {
    // Flags, clearances and labels are written into the text, where the planner's estimates
    // cannot depend on them: a list's plan then does not depend on its caller, so PostgreSQL
    // keeps the prepared statement's generic plan instead of planning it again on every call.
    if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
    const name = `${this.prefix}${this.n++}`;
    this.params[name] = value;
    return `:${name}`;
  }

  /** A context numbering from zero, with the same names: what a disjunct reads as alone. */
  fresh(): Context {
    return new Context(this.prefix, this.root, this.bound);
  }

  alias(base: string): string {
    return `${base}_${this.prefix}${this.aliases++}`;
  }
}

/**
 * Translates the AST of CASL rules (rulesToAST) into SQL over the row `alias` of `subject`.
 * Supported: eq, ne, in, nin, lt, lte, gt, gte, and, or, not, elemMatch on to-many
 * relations, and dotted paths through to-one relations. Anything else throws.
 *
 * SQL's NULL logic is folded back to the two-valued logic CASL uses in memory, so that
 * the database and `ability.can` agree row for row.
 *
 * `bound` names to-one relations of `alias` whose row the statement already holds, joined on
 * the relation's key (`{ post: 'p' }` where `c.post_id = p.id`): conditions through such a
 * relation are said of that row instead of looking it up again in an EXISTS.
 */
export function conditionToSql(
  condition: Condition | null,
  subject: SubjectName,
  alias: string,
  paramPrefix = 'casl',
  bound: Readonly<Record<string, string>> = {},
): SqlFragment {
  const ctx = new Context(paramPrefix, alias, bound);
  if (condition === null) return { sql: 'FALSE', params: {} };
  return { sql: translate(condition, SUBJECT_SQL[subject], alias, ctx), params: ctx.params };
}

function translate(node: Condition, schema: SqlSubjectSchema, alias: string, ctx: Context): string {
  if (node instanceof CompoundCondition || isCompound(node)) {
    const children = (node as CompoundCondition).value;
    switch (node.operator) {
      case 'and':
        return andOf(children, schema, alias, ctx);
      case 'or':
        return children.length === 0
          ? 'FALSE'
          : `(${canonicalOrder(children, schema, alias, ctx)
              .map((c) => translate(c, schema, alias, ctx))
              .join(' OR ')})`;
      case 'not':
        return `NOT COALESCE(${andOf(children, schema, alias, ctx)}, FALSE)`;
      default:
        throw new UntranslatableConditionError(`operator "${node.operator}" is not supported`);
    }
  }
  return field(node as FieldCondition, schema, alias, ctx);
}

/**
 * The disjuncts in an order of their own: by their SQL as each reads alone. The order of a
 * caller's rules (which of their spaces, roles or grants came first) then no longer changes
 * the statement's text, so callers whose rules differ only in that order share one prepared
 * statement and its generic plan instead of each text being prepared on every session. OR
 * commutes, in SQL's logic as in CASL's: the rows are the same. Parameters and aliases are
 * numbered afterwards, in the order the disjuncts are written.
 */
function canonicalOrder(children: Condition[], schema: SqlSubjectSchema, alias: string, ctx: Context): Condition[] {
  if (children.length < 2) return children;
  const keyed = children.map((child) => ({ child, key: translate(child, schema, alias, ctx.fresh()) }));
  return keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map(({ child }) => child);
}

function isCompound(node: Condition): boolean {
  return ['and', 'or', 'not'].includes(node.operator) && Array.isArray((node as CompoundCondition).value);
}

/** A conjunction; dotted paths through the same to-one relation share one EXISTS. */
function andOf(children: Condition[], schema: SqlSubjectSchema, alias: string, ctx: Context): string {
  const parts: string[] = [];
  const viaRelation = new Map<string, FieldCondition[]>();
  for (const child of children) {
    const f = child as FieldCondition;
    const dot = typeof f.field === 'string' && !isCompound(child) ? f.field.indexOf('.') : -1;
    if (dot > 0) {
      const relation = f.field.slice(0, dot);
      viaRelation.set(relation, [
        ...(viaRelation.get(relation) ?? []),
        new FieldCondition(f.operator, f.field.slice(dot + 1), f.value),
      ]);
    } else {
      parts.push(translate(child, schema, alias, ctx));
    }
  }
  for (const [relation, conditions] of viaRelation) {
    parts.push(
      exists(schema, relation, 'one', alias, ctx, (inner, innerSchema) => andOf(conditions, innerSchema, inner, ctx)),
    );
  }
  return parts.length === 0 ? 'TRUE' : `(${parts.join(' AND ')})`;
}

function exists(
  schema: SqlSubjectSchema,
  relationName: string,
  kind: 'one' | 'many',
  alias: string,
  ctx: Context,
  body: (innerAlias: string, innerSchema: SqlSubjectSchema) => string,
): string {
  const relation = schema.relations[relationName];
  if (!relation || relation.kind !== kind) {
    throw new UntranslatableConditionError(
      `no ${kind === 'one' ? 'to-one' : 'to-many'} relation "${relationName}" on ${schema.table}`,
    );
  }
  const innerSchema = SUBJECT_SQL[relation.subject];
  const held = kind === 'one' && alias === ctx.root ? ctx.bound[relationName] : undefined;
  // The one row the relation reaches is already there: what EXISTS would ask of it, asked of it.
  if (held) return `COALESCE(${body(held, innerSchema)}, FALSE)`;
  const inner = ctx.alias(relationName.slice(0, 3));
  if (kind === 'many' && relation.keys) {
    // Uncorrelated: PostgreSQL may compute the set once (a hashed SubPlan) instead of probing
    // it per outer row, which an OR between clauses otherwise forces. NULL keys are left out
    // so that NOT IN stays two-valued.
    const { outer: outerKey, inner: innerKey } = relation.keys;
    return `${alias}."${outerKey}" IN (SELECT ${inner}."${innerKey}" FROM ${innerSchema.table} ${inner} WHERE ${inner}."${innerKey}" IS NOT NULL AND ${body(inner, innerSchema)})`;
  }
  return `EXISTS (SELECT 1 FROM ${innerSchema.table} ${inner} WHERE ${relation.on(alias, inner)} AND ${body(inner, innerSchema)})`;
}

function field(node: FieldCondition, schema: SqlSubjectSchema, alias: string, ctx: Context): string {
  const dot = node.field.indexOf('.');
  if (dot > 0) return andOf([node], schema, alias, ctx);
  if (node.operator === 'elemMatch') {
    return exists(schema, node.field, 'many', alias, ctx, (inner, innerSchema) =>
      translate(node.value as Condition, innerSchema, inner, ctx),
    );
  }
  const expression = schema.fields[node.field];
  if (!expression) throw new UntranslatableConditionError(`unknown field "${node.field}" on ${schema.table}`);
  if (expression.anyOf) return anyOfField(node, expression.anyOf(alias), ctx);
  const e = expression(alias);
  const v = node.value;
  // NULL-safe only where NULL can occur: plain predicates on NOT NULL columns stay indexable.
  const truthy = (predicate: string) => (expression.nullable ? `COALESCE(${predicate}, FALSE)` : predicate);
  switch (node.operator) {
    case 'eq':
      return v === null || v === undefined ? `${e} IS NULL` : truthy(`${e} = ${ctx.param(v)}`);
    case 'ne':
      return v === null || v === undefined ? `${e} IS NOT NULL` : `${e} IS DISTINCT FROM ${ctx.param(v)}`;
    case 'in':
      return truthy(`${e} = ANY(${ctx.param(arrayOf(v))})`);
    case 'nin':
      return `NOT ${truthy(`${e} = ANY(${ctx.param(arrayOf(v))})`)}`;
    case 'lt':
      return truthy(`${e} < ${ctx.param(v)}`);
    case 'lte':
      return truthy(`${e} <= ${ctx.param(v)}`);
    case 'gt':
      return truthy(`${e} > ${ctx.param(v)}`);
    case 'gte':
      return truthy(`${e} >= ${ctx.param(v)}`);
    default:
      throw new UntranslatableConditionError(`operator "${node.operator}" on "${node.field}" is not supported`);
  }
}

/** A field of several nullable columns: `eq` holds when one of them equals the value. */
function anyOfField(node: FieldCondition, columns: string[], ctx: Context): string {
  const v = node.value;
  const one = (test: (c: string) => string) => `(${columns.map((c) => `COALESCE(${test(c)}, FALSE)`).join(' OR ')})`;
  switch (node.operator) {
    case 'eq':
    case 'ne': {
      if (v === null || v === undefined) {
        throw new UntranslatableConditionError(`null on the multi-valued field "${node.field}" is not supported`);
      }
      const p = ctx.param(v);
      const holds = one((c) => `${c} = ${p}`);
      return node.operator === 'eq' ? holds : `NOT ${holds}`;
    }
    case 'in':
    case 'nin': {
      const p = ctx.param(arrayOf(v));
      const holds = one((c) => `${c} = ANY(${p})`);
      return node.operator === 'in' ? holds : `NOT ${holds}`;
    }
    default:
      throw new UntranslatableConditionError(`operator "${node.operator}" on "${node.field}" is not supported`);
  }
}

function arrayOf(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new UntranslatableConditionError('$in and $nin take an array');
  return value;
}
