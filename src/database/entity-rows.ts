import { DataSource, EntityTarget, getMetadataArgsStorage, ObjectLiteral } from 'typeorm';

/**
 * The columns of one entity, selected under a prefix in a hand-written statement and turned
 * back into the entity the way TypeORM would (the driver's own per-column conversion: dates,
 * enum arrays, numbers), without its query builder, alias rewriting or relation machinery on
 * the hot path. Several entities can share one row (a post, its author and their organisation).
 */
export class EntityColumns<T extends ObjectLiteral> {
  /** `alias."column" AS "prefix__column", …` for a SELECT list. */
  readonly select: string;
  private readonly columns: { key: string; apply: (entity: T, value: unknown) => void }[];
  private readonly create: () => T;

  private constructor(
    dataSource: DataSource,
    target: EntityTarget<T>,
    alias: string,
    prefix: string,
    omit: readonly string[],
  ) {
    const metadata = dataSource.getMetadata(target);
    const driver = dataSource.driver;
    const owned = metadata.columns.filter((c) => !omit.includes(c.propertyName));
    this.select = owned.map((c) => `${alias}."${c.databaseName}" AS "${prefix}__${c.databaseName}"`).join(', ');
    this.columns = owned.map((c) => {
      const key = `${prefix}__${c.databaseName}`;
      const property = c.propertyName;
      if (c.embeddedMetadata || c.isVirtual || c.transformer || !AS_DRIVER_READS.has(String(c.type))) {
        return {
          key,
          apply: (entity: T, value: unknown) => c.setEntityValue(entity, driver.prepareHydratedValue(value, c)),
        };
      }
      // What node-postgres read is already what TypeORM would make of it.
      return { key, apply: (entity: T, value: unknown) => ((entity as Record<string, unknown>)[property] = value) };
    });
    const prototype = unfetched(metadata.target, omit);
    this.create = prototype ? () => Object.create(prototype) as T : () => metadata.create() as T;
  }

  private static readonly cache = new WeakMap<DataSource, Map<string, unknown>>();

  /**
   * One instance per data source, entity, alias, prefix and omitted properties: the SELECT list
   * is built once. Reading an omitted property (a column no field of the request reads) throws.
   */
  static of<T extends ObjectLiteral>(
    dataSource: DataSource,
    target: EntityTarget<T>,
    alias: string,
    prefix = alias,
    omit: readonly string[] = [],
  ): EntityColumns<T> {
    let byKey = EntityColumns.cache.get(dataSource);
    if (!byKey) EntityColumns.cache.set(dataSource, (byKey = new Map()));
    const key = `${dataSource.getMetadata(target).name}|${alias}|${prefix}|${omit.join(',')}`;
    let found = byKey.get(key) as EntityColumns<T> | undefined;
    if (!found) byKey.set(key, (found = new EntityColumns(dataSource, target, alias, prefix, omit)));
    return found;
  }

  /** The entity held by `row` under this prefix. */
  hydrate(row: Record<string, unknown>): T {
    const entity = this.create();
    for (const column of this.columns) column.apply(entity, row[column.key]);
    return entity;
  }
}

/** Column types node-postgres hands over as TypeORM would hydrate them (strings, numbers, booleans, Dates, JSON). */
const AS_DRIVER_READS = new Set([
  'uuid',
  'text',
  'varchar',
  'character varying',
  'int',
  'integer',
  'smallint',
  'boolean',
  'timestamptz',
  'timestamp with time zone',
  'jsonb',
]);

const columnProperties = new WeakMap<Function, readonly string[]>();

/** The properties of an entity class that are columns (as its decorators declare them), for a list's `omit`. */
export function entityColumnProperties(target: Function): readonly string[] {
  let properties = columnProperties.get(target);
  if (!properties) {
    properties = [
      ...new Set(
        getMetadataArgsStorage()
          .filterColumns(target)
          .map((c) => c.propertyName),
      ),
    ];
    columnProperties.set(target, properties);
  }
  return properties;
}

/** Marks the prototype of entities hydrated without some of their columns (see `unfetched`). */
const PARTIAL = Symbol('passerelle.partialEntity');

/**
 * Whether `object` is an entity hydrated without some of its columns: a copy of its own
 * properties would lose them unseen (asSubject reads through it instead).
 */
export function isPartialEntity(object: object): boolean {
  return PARTIAL in object;
}

/**
 * A prototype for entities hydrated without the `omit` columns: it is the entity's own (so
 * `instanceof` holds), and reading an omitted property throws instead of answering undefined,
 * so that a field resolver reading what its list did not fetch fails loudly in tests rather
 * than answering null. Writing one defines it on the object. Copying such an entity's own
 * properties (a spread) would silently leave the omitted ones out: it is marked partial.
 */
function unfetched(target: unknown, omit: readonly string[]): object | null {
  if (omit.length === 0 || typeof target !== 'function') return null;
  const entity = target as { prototype: object; name: string };
  const prototype = Object.create(entity.prototype) as object;
  Object.defineProperty(prototype, PARTIAL, { value: true });
  for (const property of omit) {
    Object.defineProperty(prototype, property, {
      get() {
        throw new Error(`${entity.name}.${property} was not fetched by this list`);
      },
      set(value: unknown) {
        Object.defineProperty(this, property, { value, writable: true, enumerable: true, configurable: true });
      },
    });
  }
  return prototype;
}

/**
 * Turns a fragment with TypeORM's named parameters (`:name`, as the access scope produces)
 * into PostgreSQL's positional ones, numbered after the `values` already taken.
 */
export function positional(sql: string, params: Record<string, unknown>, values: unknown[]): string {
  // One pass: a name is the longest run of word characters after a lone colon (`::uuid` is a
  // cast), so `:p_casl10` is never read as `:p_casl1` followed by `0`. Each name is bound once.
  const numbers = new Map<string, string>();
  return sql.replace(/(?<!:):(\w+)/g, (match, name: string) => {
    if (!Object.hasOwn(params, name)) return match;
    let number = numbers.get(name);
    if (number === undefined) {
      values.push(params[name]);
      numbers.set(name, (number = `$${values.length}`));
    }
    return number;
  });
}
