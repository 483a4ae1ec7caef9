import { GraphQLField, GraphQLFieldResolver, GraphQLSchema, isObjectType } from 'graphql';

const SLOT = Symbol('passerelle.prefetched');

type Prefetched = Record<string, unknown>;

/**
 * Attaches to `item` values a list statement already fetched for some of its fields (a post's
 * author, space and comment count; a user's organisation): the schema serves them without
 * running the fields' resolvers (see servePrefetched). A value may be attached only when it is
 * exactly what that field's resolver would answer this caller in this request: fetched in the
 * same request, through the same visibility rule.
 */
export function prefetch<T extends object>(item: T, values: Prefetched): T {
  const holder = item as T & { [SLOT]?: Prefetched };
  holder[SLOT] = Object.assign(holder[SLOT] ?? Object.create(null), values);
  return item;
}

/** The slot's key of a field's value for one set of arguments (as graphql-js coerces them). */
function withArgs(field: string, args: Record<string, unknown>): string {
  return `${field}(${JSON.stringify(args)})`;
}

/**
 * Attaches to `item` the value its field `field` answers for exactly these arguments (coerced
 * by graphql-js's getArgumentValues, as execution coerces them); the field is served from it
 * only when called with the same arguments. The same rule as `prefetch` holds.
 */
export function prefetchWithArgs<T extends object>(
  item: T,
  field: string,
  args: Record<string, unknown>,
  value: unknown,
): T {
  return prefetch(item, { [withArgs(field, args)]: value });
}

/** Per object type, the fields declared by `holdValues`. */
const valueFields = new Map<string, Set<string>>();

/**
 * Declares that on every source of the object type `type`, the properties named `fields` hold
 * their fields' values themselves: never a promise, and read without throwing. servePrefetched
 * leaves such a field without a resolver when it is plain, and graphql-jit reads the property
 * in line; through a resolver, even the framework's plain one, it spends three closures, an
 * info object and a path on every value (a space page has about 800). Only what is declared is
 * read so: a promise read in line would be answered as an object, and a throw would escape the
 * execution instead of becoming the field's error.
 */
export function holdValues(type: string, fields: Iterable<string>): void {
  let held = valueFields.get(type);
  if (!held) valueFields.set(type, (held = new Set()));
  for (const field of fields) held.add(field);
}

/** The resolvers of plain fields, as servePrefetched found them (a copy of the schema keeps them). */
const plainResolvers = new WeakSet<GraphQLFieldResolver<unknown, unknown>>();

/**
 * Whether the field reads its source's property of its own name and nothing else (a field
 * without a resolver, or with the framework's resolver of a plain field: servePrefetched).
 */
export function isPlainField(field: GraphQLField<unknown, unknown>): boolean {
  return !field.resolve || plainResolvers.has(field.resolve);
}

/**
 * Whether `resolve` is the framework's resolver of a plain field: it reads the source's
 * property of the field's own name, with no default value (@nestjs/graphql gives every field of
 * a code-first type one, named `rootFieldResolver`, until a @ResolveField replaces it). Only such
 * a function is called here, on probes: a resolver of the application is never run.
 */
function readsOwnProperty(resolve: GraphQLFieldResolver<unknown, unknown>, name: string): boolean {
  if (resolve.name !== 'rootFieldResolver' || resolve.length !== 1) return false;
  const probe = {};
  const read = resolve as unknown as (source: object) => unknown;
  return read({ [name]: probe }) === probe && read({}) === undefined;
}

/**
 * Lets every field with a resolver answer from the value attached by `prefetch` (or, for a
 * field with arguments, by `prefetchWithArgs` for the same arguments) when there is one. Field
 * resolvers carry no guard or interceptor here (fieldResolverEnhancers is empty), so serving
 * the attached value skips only the framework's per-field wrapping, which costs more than the
 * rest of a list's execution together.
 *
 * A plain field (one that reads its source's property of the same name) is not wrapped: values
 * are attached only for fields with resolvers of their own. It loses the framework's resolver
 * when its property is declared to hold its value (holdValues), and keeps it otherwise. Either
 * way it is recorded (isPlainField), for a list to tell what a field reads of its row (listed.ts).
 */
export function servePrefetched(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve) continue;
      const name = field.name;
      if (field.args.length === 0 && readsOwnProperty(resolve, name)) {
        if (valueFields.get(type.name)?.has(name)) field.resolve = undefined;
        else plainResolvers.add(resolve);
        continue;
      }
      const served: GraphQLFieldResolver<unknown, unknown> =
        field.args.length > 0
          ? (source, args: Record<string, unknown>, context, info) => {
              const slot = (source as { [SLOT]?: Prefetched } | null)?.[SLOT];
              if (slot === undefined) return resolve(source, args, context, info);
              const key = withArgs(name, args);
              return key in slot ? slot[key] : resolve(source, args, context, info);
            }
          : (source, args, context, info) => {
              const slot = (source as { [SLOT]?: Prefetched } | null)?.[SLOT];
              return slot !== undefined && name in slot ? slot[name] : resolve(source, args, context, info);
            };
      field.resolve = served;
    }
  }
  return schema;
}
