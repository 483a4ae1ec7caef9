import { AuthenticatedRequest } from '../auth/request-context';
import { carriesCheck } from './carried-check';

const post = (query: string, operationName?: string) =>
  ({ body: { query, ...(operationName ? { operationName } : {}) }, query: {} }) as unknown as AuthenticatedRequest;

describe('carriesCheck', () => {
  it('lets a query of one feed, space, me or user field carry the principal check', () => {
    expect(carriesCheck(post('{ feed { edges { node { id } } } }'), 1000)).toBe(true);
    expect(carriesCheck(post('{ me { id } }'), 1000)).toBe(true);
    expect(carriesCheck(post('query Q($id: ID!) { __typename page: space(id: $id) { id } }'), 1000)).toBe(true);
    expect(carriesCheck(post('query A { me { id } } query B { feed { totalCount } }', 'B'), 1000)).toBe(true);
    const get = { body: undefined, query: { query: '{ feed { totalCount } }' } } as unknown as AuthenticatedRequest;
    expect(carriesCheck(get, 1000)).toBe(true);
  });

  it('proves it first for anything else', () => {
    for (const [query, name] of [
      ['{ spaces { totalCount } }'],
      ['{ feed { totalCount } me { id } }'],
      ['{ feed { totalCount } space(id: "x") { id } }'],
      ['mutation { feed }'],
      ['subscription { feed { id } }'],
      ['query A { spaces { totalCount } } query B { feed { totalCount } }', 'A'],
      ['query A { me { id } } query B { feed { totalCount } }'],
      ['query A { feed { totalCount } }', 'Z'],
      ['{ ...F } fragment F on Query { feed { totalCount } }'],
      ['{ ... on Query { feed { totalCount } } }'],
      ['query($s: Boolean!) { feed @skip(if: $s) { totalCount } }'],
      ['{ feed { totalCount '],
      [`{ feed { ${'id '.repeat(2000)} } }`],
    ] as [string, string?][]) {
      expect([query, name, carriesCheck(post(query, name), 1000)]).toEqual([query, name, false]);
    }
    expect(
      carriesCheck({ body: [{ query: '{ feed { id } }' }], query: {} } as unknown as AuthenticatedRequest, 1000),
    ).toBe(false);
  });
});
