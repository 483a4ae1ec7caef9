import {
  DocumentNode,
  FragmentDefinitionNode,
  getNamedType,
  GraphQLError,
  GraphQLField,
  GraphQLNamedType,
  GraphQLSchema,
  isInterfaceType,
  isLeafType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  visit,
} from 'graphql';
import { httpStatusOf, ErrorKind } from '../common/domain.exception';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './pagination';

/** Why a document was refused before it ran; the audit log keeps it, the caller reads the message. */
export type RefusalReason =
  'too_deep' | 'too_many_aliases' | 'too_many_root_fields' | 'too_complex' | 'nul_character' | 'subscription_over_http';

/** A document refused before execution: BAD_USER_INPUT, HTTP 400, whatever hook refuses it. */
export class QueryRefusal extends GraphQLError {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message, {
      extensions: { code: 'BAD_USER_INPUT', http: { status: httpStatusOf(ErrorKind.BAD_USER_INPUT) } },
    });
  }
}

export interface DocumentShape {
  /** Nesting of fields (introspection fields and what they select are left out). */
  depth: number;
  /** Aliases, counted once per path that reaches them. */
  aliases: number;
  /** Fields selected at the top of the selection set. */
  fields: number;
}

export interface ShapeLimits {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
}

const NOTHING: DocumentShape = { depth: 0, aliases: 0, fields: 0 };

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  return fragments;
}

/**
 * The shape of every operation of a document, in time linear in the document: each
 * fragment is measured once and its measure reused at every spread; a spread back into a
 * fragment being measured counts nothing (validation refuses such cycles afterwards).
 */
export function measureDocument(document: DocumentNode): Map<OperationDefinitionNode, DocumentShape> {
  const fragments = fragmentsOf(document);
  const memo = new Map<string, DocumentShape>();
  const measuring = new Set<string>();

  const fragment = (name: string): DocumentShape => {
    const known = memo.get(name);
    if (known) return known;
    const definition = fragments.get(name);
    if (!definition || measuring.has(name)) return NOTHING;
    measuring.add(name);
    const shape = measure(definition.selectionSet);
    measuring.delete(name);
    memo.set(name, shape);
    return shape;
  };

  const measure = (set: SelectionSetNode): DocumentShape => {
    let depth = 0;
    let aliases = 0;
    let fields = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (s.alias) aliases++;
        if (s.name.value.startsWith('__')) continue;
        const child = s.selectionSet ? measure(s.selectionSet) : NOTHING;
        fields++;
        aliases += child.aliases;
        depth = Math.max(depth, 1 + child.depth);
      } else {
        const child = s.kind === Kind.INLINE_FRAGMENT ? measure(s.selectionSet) : fragment(s.name.value);
        fields += child.fields;
        aliases += child.aliases;
        depth = Math.max(depth, child.depth);
      }
    }
    return { depth, aliases, fields };
  };

  const shapes = new Map<OperationDefinitionNode, DocumentShape>();
  for (const d of document.definitions)
    if (d.kind === Kind.OPERATION_DEFINITION) shapes.set(d, measure(d.selectionSet));
  return shapes;
}

/** Whether a document's own strings hold a NUL, once per parsed document (Apollo keeps them across requests). */
const nulInDocument = new WeakMap<DocumentNode, boolean>();

/** Text PostgreSQL cannot store: a NUL character anywhere in a string argument or variable. */
export function hasNulCharacter(document: DocumentNode, variables: Record<string, unknown>): boolean {
  let found = nulInDocument.get(document);
  if (found === undefined) {
    let inDocument = false;
    visit(document, {
      StringValue(node) {
        if (node.value.includes('\u0000')) inDocument = true;
      },
    });
    nulInDocument.set(document, (found = inDocument));
  }
  const inValue = (v: unknown): boolean =>
    typeof v === 'string'
      ? v.includes('\u0000')
      : Array.isArray(v)
        ? v.some(inValue)
        : v !== null && typeof v === 'object'
          ? Object.values(v).some(inValue)
          : false;
  return found || inValue(variables);
}

/** The first limit a document's operations break, as a refusal; null when it fits. */
export function checkShape(document: DocumentNode, limits: ShapeLimits): QueryRefusal | null {
  for (const shape of measureDocument(document).values()) {
    if (shape.depth > limits.maxDepth) {
      return new QueryRefusal(
        'too_deep',
        `Query is nested ${shape.depth} levels deep; the limit is ${limits.maxDepth}`,
      );
    }
    if (shape.fields > limits.maxRootFields) {
      return new QueryRefusal(
        'too_many_root_fields',
        `Query selects ${shape.fields} root fields; the limit is ${limits.maxRootFields}`,
      );
    }
    if (shape.aliases > limits.maxAliases) {
      return new QueryRefusal(
        'too_many_aliases',
        `Query uses ${shape.aliases} aliases; the limit is ${limits.maxAliases}`,
      );
    }
  }
  return null;
}

/**
 * What each kind of field costs, in rows read or queries run. A root field runs at least
 * one query of its own (and a missed lookup writes an audit row); a connection runs a
 * keyset query per parent and returns up to `first` rows; a to-one object field is one
 * row, batched per request; a scalar comes with its row.
 */
export const COSTS = {
  rootField: 100,
  connection: 10,
  row: 1,
  scalar: 0,
} as const;

/** A field's own cost when it is not the default of its kind (e.g. a count query). */
export interface CostExtension {
  cost?: number;
}

interface Cost {
  /** Paid once for the selection. */
  once: number;
  /** Paid for each edge of the enclosing connection (the selection under `edges`). */
  perEdge: number;
}

function isConnectionType(type: GraphQLNamedType): boolean {
  return isObjectType(type) && type.name.endsWith('Connection') && 'edges' in type.getFields();
}

function pageOf(
  field: GraphQLField<unknown, unknown>,
  node: { arguments?: readonly { name: { value: string }; value: any }[] },
  variables: Record<string, unknown>,
  read: Set<string>,
): number {
  if (!field.args.some((a) => a.name === 'first')) return DEFAULT_PAGE_SIZE;
  const arg = node.arguments?.find((a) => a.name.value === 'first');
  let first: unknown = DEFAULT_PAGE_SIZE;
  if (arg?.value.kind === Kind.INT) first = Number(arg.value.value);
  else if (arg?.value.kind === Kind.VARIABLE) {
    read.add(arg.value.name.value);
    first = variables[arg.value.name.value] ?? DEFAULT_PAGE_SIZE;
  }
  // Out of range is refused when it runs; priced at the bound it cannot exceed.
  return typeof first === 'number' && Number.isFinite(first)
    ? Math.min(MAX_PAGE_SIZE, Math.max(1, Math.trunc(first)))
    : DEFAULT_PAGE_SIZE;
}

/** Prices already computed, by operation: the variables its page sizes read, and a price per set of their values. */
const priced = new WeakMap<
  OperationDefinitionNode,
  { schema: GraphQLSchema; variables: readonly string[]; byValues: Map<string, number> }
>();
/** Sets of values remembered per operation: beyond, each new set is priced without being kept. */
const MAX_PRICED_VALUES = 64;

/**
 * The estimated cost of the operation that will run, in time linear in the document
 * (each fragment priced once: its price depends only on the variables). Aliases each pay:
 * a hundred aliased lookups are a hundred queries. The price depends only on the document
 * and the values of the variables page sizes read, so it is computed once for each (the
 * document is the one Apollo keeps per query text).
 */
export function operationCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  document: DocumentNode,
  variables: Record<string, unknown>,
): number {
  let entry = priced.get(operation);
  if (entry?.schema === schema) {
    const cached = entry.byValues.get(pageSizes(entry.variables, variables));
    if (cached !== undefined) return cached;
  }
  const read = new Set<string>();
  const cost = priceOperation(schema, operation, document, variables, read);
  if (!entry || entry.schema !== schema) {
    entry = { schema, variables: [...read], byValues: new Map() };
    priced.set(operation, entry);
  }
  if (entry.byValues.size < MAX_PRICED_VALUES) entry.byValues.set(pageSizes(entry.variables, variables), cost);
  return cost;
}

/** The values of the variables an operation's page sizes read, as one key. */
function pageSizes(names: readonly string[], variables: Record<string, unknown>): string {
  return JSON.stringify(names.map((name) => variables[name] ?? null));
}

function priceOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  document: DocumentNode,
  variables: Record<string, unknown>,
  read: Set<string>,
): number {
  const fragments = fragmentsOf(document);
  const memo = new Map<string, Cost>();
  const pricing = new Set<string>();
  const rootTypes = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean),
  );

  const price = (set: SelectionSetNode, parent: GraphQLNamedType): Cost => {
    let once = 0;
    let perEdge = 0;
    const fields = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields() : {};
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        // Introspection is answered from memory (and is off in production).
        if (s.name.value.startsWith('__')) continue;
        const field = fields[s.name.value];
        if (!field) continue;
        const type = getNamedType(field.type);
        let cost: number;
        if (isConnectionType(parent) && s.name.value === 'edges') {
          perEdge += s.selectionSet ? price(s.selectionSet, type).once : 0;
          continue;
        }
        const own = (field.extensions as CostExtension | undefined)?.cost;
        if (isLeafType(type)) {
          cost = own ?? (rootTypes.has(parent as never) ? COSTS.rootField : COSTS.scalar);
        } else {
          const child = s.selectionSet ? price(s.selectionSet, type) : { once: 0, perEdge: 0 };
          const base =
            own ??
            (rootTypes.has(parent as never) ? COSTS.rootField : isConnectionType(type) ? COSTS.connection : COSTS.row);
          cost = base + child.once + pageOf(field, s, variables, read) * child.perEdge;
        }
        once += cost;
      } else {
        let child: Cost;
        if (s.kind === Kind.INLINE_FRAGMENT) {
          const on = s.typeCondition ? schema.getType(s.typeCondition.name.value) : parent;
          child = price(s.selectionSet, on ?? parent);
        } else {
          child = fragmentCost(s.name.value);
        }
        once += child.once;
        perEdge += child.perEdge;
      }
    }
    return { once, perEdge };
  };

  const fragmentCost = (name: string): Cost => {
    const known = memo.get(name);
    if (known) return known;
    const definition = fragments.get(name);
    const on = definition && schema.getType(definition.typeCondition.name.value);
    if (!definition || !on || pricing.has(name)) return { once: 0, perEdge: 0 };
    pricing.add(name);
    const cost = price(definition.selectionSet, on);
    pricing.delete(name);
    memo.set(name, cost);
    return cost;
  };

  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  return root ? price(operation.selectionSet, root).once : 0;
}
