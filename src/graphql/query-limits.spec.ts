import { buildSchema, OperationDefinitionNode, parse } from 'graphql';
import { checkShape, measureDocument, operationCost } from './query-limits';

const SCHEMA = buildSchema(`
  type Query { me: User! node(id: ID!): User spaces(first: Int, after: String): SpaceConnection! }
  type User { id: ID! name: String! organization: Org! }
  type Org { name: String! }
  type Space { id: ID! members(first: Int): MemberConnection! }
  type SpaceConnection { edges: [SpaceEdge!]! pageInfo: PageInfo! }
  type SpaceEdge { cursor: String! node: Space! }
  type MemberConnection { edges: [MemberEdge!]! pageInfo: PageInfo! }
  type MemberEdge { cursor: String! node: User! }
  type PageInfo { hasNextPage: Boolean! endCursor: String }
`);

function doubling(levels: number): string {
  const defs = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  return `query { ...F0 }\n${defs.join('\n')}\nfragment F${levels} on Query { a: me { id } }`;
}

const cost = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  return operationCost(SCHEMA, operation, document, variables);
};

describe('query limits', () => {
  it('measures a fragment bomb in linear time', () => {
    const document = parse(doubling(60));
    const start = performance.now();
    const [shape] = measureDocument(document).values();
    expect(performance.now() - start).toBeLessThan(50);
    expect(shape.fields).toBe(2 ** 60);
    expect(shape.aliases).toBe(2 ** 60);
    expect(shape.depth).toBe(2);
    expect(checkShape(document, { maxDepth: 10, maxAliases: 50, maxRootFields: 20 })?.reason).toBe(
      'too_many_root_fields',
    );
  });

  it('prices a fragment bomb in linear time', () => {
    const start = performance.now();
    expect(cost(doubling(60))).toBeGreaterThan(1e18);
    expect(performance.now() - start).toBeLessThan(50);
  });

  it('cuts fragment cycles instead of looping', () => {
    const document = parse(
      'query { me { ...A } } fragment A on User { organization { name } ...B } fragment B on User { ...A }',
    );
    expect([...measureDocument(document).values()][0].depth).toBe(3);
  });

  it('charges each root field, and connections by the rows they can return', () => {
    expect(cost('{ me { id } }')).toBe(100);
    expect(cost('{ a: node(id: "x") { id } b: node(id: "y") { id } }')).toBe(200);
    // spaces: 100 + pageInfo + 10 x (1 row + members: 10 + 50 x (1 row + 1 organization))
    expect(
      cost(
        '{ spaces(first: 10) { pageInfo { hasNextPage } edges { cursor node { id members(first: 50) { edges { node { name organization { name } } } } } } } }',
      ),
    ).toBe(100 + 1 + 10 * (1 + 10 + 50 * 2));
    expect(cost('query($n: Int) { spaces(first: $n) { edges { node { id } } } }', { n: 7 })).toBe(100 + 7);
    // Out of range: priced at the largest page that can run.
    expect(cost('{ spaces(first: 100000) { edges { node { id } } } }')).toBe(100 + 100);
  });

  it('prices a connection reached through a fragment on the connection type', () => {
    expect(cost('{ spaces(first: 5) { ...S } } fragment S on SpaceConnection { edges { node { id } } }')).toBe(100 + 5);
  });

  it('prices the same operation again for other page sizes, from memory for the same ones', () => {
    const document = parse(
      'query($n: Int, $m: Int) { spaces(first: $n) { edges { node { members(first: $m) { edges { node { id } } } } } } }',
    );
    const operation = document.definitions[0] as OperationDefinitionNode;
    const price = (variables: Record<string, unknown>) => operationCost(SCHEMA, operation, document, variables);
    const each = (n: number, m: number) => 100 + n * (1 + 10 + m);
    expect(price({ n: 2, m: 3 })).toBe(each(2, 3));
    expect(price({ n: 50, m: 3 })).toBe(each(50, 3));
    expect(price({ n: 2, m: 40 })).toBe(each(2, 40));
    expect(price({ n: 2, m: 3, other: 'x' })).toBe(each(2, 3));
    // Absent and null both price the default page (20).
    expect(price({ m: 3 })).toBe(each(20, 3));
    expect(price({ n: null, m: 3 })).toBe(each(20, 3));
  });
});
