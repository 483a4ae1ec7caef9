import { buildSchema, GraphQLFieldResolver, GraphQLObjectType, GraphQLSchema, parse } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { holdValues, isPlainField, prefetch, servePrefetched } from './prefetched';

// A schema shaped as @nestjs/graphql builds a code-first one: every field has a resolver, the
// framework's `rootFieldResolver` for a plain field (it reads the property of the field's name).
function plainResolver(name: string): GraphQLFieldResolver<unknown, unknown> {
  const rootFieldResolver = (root: Record<string, unknown>) => root[name];
  return rootFieldResolver as GraphQLFieldResolver<unknown, unknown>;
}

function frameworkSchema(): GraphQLSchema {
  const schema = buildSchema(`
    type PrefetchedSpecItem { id: ID! title: String! total: Int! lazy: String author: String! }
    type Query { items: [PrefetchedSpecItem!]! }
  `);
  for (const type of [schema.getQueryType()!, schema.getType('PrefetchedSpecItem') as GraphQLObjectType]) {
    for (const field of Object.values(type.getFields())) field.resolve = plainResolver(field.name);
  }
  return schema;
}

function fields(schema: GraphQLSchema) {
  return (schema.getType('PrefetchedSpecItem') as GraphQLObjectType).getFields();
}

/** Items as a list hands them over: values, a count still to come, a column it did not fetch. */
function items() {
  return [1, 2].map((n) =>
    prefetch(
      {
        id: `i${n}`,
        title: `item ${n}`,
        total: Promise.resolve(n * 10),
        get lazy(): string {
          throw new Error('PrefetchedSpecItem.lazy was not fetched by this list');
        },
      },
      { author: `author ${n}` },
    ),
  );
}

async function run(schema: GraphQLSchema, document: string) {
  schema.getQueryType()!.getFields().items.resolve = async () => items();
  const compiled = compileQuery(schema, parse(document));
  if (!isCompiledQuery(compiled)) throw new Error(JSON.stringify(compiled.errors));
  // A throw that escaped the execution would leave the operation unanswered.
  let timer: NodeJS.Timeout | undefined;
  const unanswered = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error('the operation was never answered')), 2000);
  });
  try {
    return await Promise.race([compiled.query(undefined, {}, {}), unanswered]);
  } finally {
    clearTimeout(timer);
  }
}

describe('servePrefetched', () => {
  holdValues('PrefetchedSpecItem', ['id', 'title']);
  const author = (_source: unknown) => 'from the resolver';

  it('leaves without a resolver only the plain fields whose properties hold their values', () => {
    const schema = frameworkSchema();
    fields(schema).author.resolve = author;
    servePrefetched(schema);
    const f = fields(schema);
    expect(f.id.resolve).toBeUndefined();
    expect(f.title.resolve).toBeUndefined();
    // Not declared: a promise, a getter that may throw.
    expect(f.total.resolve).toBeDefined();
    expect(f.lazy.resolve).toBeDefined();
    // A resolver of the application is wrapped to serve the prefetched value, never dropped.
    expect(f.author.resolve).toBeDefined();
    expect(f.author.resolve).not.toBe(author);
    expect([f.id, f.title, f.total, f.lazy].every(isPlainField)).toBe(true);
    expect(isPlainField(f.author)).toBe(false);
  });

  it('answers declared fields read in line, and the others through their resolvers as before', async () => {
    const schema = frameworkSchema();
    fields(schema).author.resolve = author;
    servePrefetched(schema);
    const result = await run(schema, '{ items { id title total author } }');
    expect(result).toEqual({
      data: {
        items: [
          { id: 'i1', title: 'item 1', total: 10, author: 'author 1' },
          { id: 'i2', title: 'item 2', total: 20, author: 'author 2' },
        ],
      },
    });
  });

  it('keeps a column a list did not fetch the error of its own field, not of the whole operation', async () => {
    const schema = frameworkSchema();
    servePrefetched(schema);
    const result = await run(schema, '{ items { id lazy } }');
    expect(result.data).toEqual({
      items: [
        { id: 'i1', lazy: null },
        { id: 'i2', lazy: null },
      ],
    });
    expect(result.errors?.map((e) => [e.message, e.path])).toEqual([
      ['PrefetchedSpecItem.lazy was not fetched by this list', ['items', 0, 'lazy']],
      ['PrefetchedSpecItem.lazy was not fetched by this list', ['items', 1, 'lazy']],
    ]);
  });
});
