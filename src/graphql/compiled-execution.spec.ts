import { ApolloServer } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { buildSchema, GraphQLError, GraphQLFieldResolver, GraphQLFormattedError, GraphQLObjectType } from 'graphql';
import { CompiledExecution } from './compiled-execution';

const schema = buildSchema(`
  type Item { id: ID! name(upper: Boolean = false): String! }
  type Query { items(first: Int!): [Item!]! broken: String refused: String }
  type Mutation { step(n: Int!): Int! }
`);

const steps: number[] = [];
function resolve(type: string, field: string, resolver: GraphQLFieldResolver<any, any>): void {
  (schema.getType(type) as GraphQLObjectType).getFields()[field].resolve = resolver;
}
resolve('Query', 'items', (_, { first }: { first: number }) =>
  Array.from({ length: first }, (_v, i) => ({ id: `i${i}`, name: `item ${i}` })),
);
resolve('Item', 'name', (item: { name: string }, { upper }: { upper: boolean }) =>
  upper ? item.name.toUpperCase() : item.name,
);
resolve('Query', 'broken', () => {
  throw new Error('boom');
});
resolve('Query', 'refused', () => {
  throw new GraphQLError('no', { extensions: { code: 'FORBIDDEN' } });
});
// The first step waits longest: run in parallel, the steps would finish in reverse.
resolve('Mutation', 'step', async (_, { n }: { n: number }) => {
  await new Promise((done) => setTimeout(done, 30 - n * 10));
  steps.push(n);
  return n;
});

describe('CompiledExecution', () => {
  const originals: unknown[] = [];
  let server: ApolloServer;

  beforeAll(async () => {
    const execution = new CompiledExecution();
    execution.adopt(schema);
    server = new ApolloServer({
      gateway: execution.gateway(),
      formatError: (formatted: GraphQLFormattedError, error: unknown) => {
        originals.push(unwrapResolverError(error));
        return formatted;
      },
    });
    await server.start();
  });
  afterAll(() => server.stop());

  async function run(query: string, variables?: Record<string, unknown>) {
    const { body, http } = await server.executeOperation({ query, variables });
    if (body.kind !== 'single') throw new Error('expected a single result');
    return { ...body.singleResult, status: http.status };
  }

  it('answers queries with arguments, defaults and variables, the same document twice', async () => {
    const document = 'query($n: Int!) { items(first: $n) { id name shout: name(upper: true) } }';
    for (const n of [2, 1]) {
      const result = await run(document, { n });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({
        items: Array.from({ length: n }, (_v, i) => ({ id: `i${i}`, name: `item ${i}`, shout: `ITEM ${i}` })),
      });
    }
  });

  it('hands Apollo errors as graphql-js builds them: the thrown error, its path and location', async () => {
    originals.length = 0;
    const result = await run('{ broken }');
    expect(result.data).toEqual({ broken: null });
    expect(result.errors).toEqual([
      {
        message: 'boom',
        path: ['broken'],
        locations: [{ line: 1, column: 3 }],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      },
    ]);
    expect(originals).toHaveLength(1);
    expect((originals[0] as Error).message).toBe('boom');
  });

  it("keeps a thrown GraphQLError's code", async () => {
    const result = await run('{ refused }');
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it('refuses a bad variable as BAD_USER_INPUT with HTTP 400, as graphql-js does', async () => {
    const result = await run('query($n: Int!) { items(first: $n) { id } }', { n: 'many' });
    expect(result.status).toBe(400);
    expect(result.data).toBeUndefined();
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0].message).toMatch(/^Variable "\$n" got invalid value "many"/);
  });

  it('runs the fields of a mutation one after another', async () => {
    steps.length = 0;
    const result = await run('mutation { a: step(n: 0) b: step(n: 1) c: step(n: 2) }');
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ a: 0, b: 1, c: 2 });
    expect(steps).toEqual([0, 1, 2]);
  });
});
