import { buildSchema, graphql } from 'graphql';
import { selectedFields } from './selection';

const schema = buildSchema(`
  type User { id: ID! name: String }
  type Post { id: ID! title: String author: User commentCount: Int }
  type Edge { node: Post }
  type Connection { edges: [Edge] totalCount: Int }
  type Query { feed: Connection }
`);

async function seen(document: string): Promise<string[]> {
  let fields: string[] = [];
  const result = await graphql({
    schema,
    source: document,
    rootValue: {
      feed: (_args: unknown, _ctx: unknown, info: Parameters<typeof selectedFields>[0]) => {
        fields = [...selectedFields(info, ['edges', 'node'])].sort();
        return { edges: [] };
      },
    },
  });
  expect(result.errors).toBeUndefined();
  return fields;
}

describe('selectedFields', () => {
  it('reads the fields under a path', async () => {
    expect(await seen('{ feed { edges { node { id title } } } }')).toEqual(['id', 'title']);
  });

  it('follows named and inline fragments, at any depth of the path', async () => {
    expect(
      await seen(`{ feed { ...F edges { node { id ... on Post { commentCount } } } } }
        fragment F on Connection { edges { node { ...P } } }
        fragment P on Post { author { id } }`),
    ).toEqual(['author', 'commentCount', 'id']);
  });

  it('answers nothing when the path is not selected', async () => {
    expect(await seen('{ feed { totalCount } }')).toEqual([]);
  });
});
