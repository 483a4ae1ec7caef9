import { Type } from '@nestjs/common';
import { ArgsType, Extensions, Field, Int, ObjectType } from '@nestjs/graphql';
import { DomainException, ErrorKind } from '../common/domain.exception';
import { isUuid } from '../common/ids';
import { holdValues } from './prefetched';

export { parseId } from '../common/ids';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** What a `totalCount` costs in the query price (query-limits.ts): one count query per connection. */
export const COUNT_COST = 10;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Page size, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).` })
  first?: number;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string;
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}
holdValues('PageInfo', ['hasNextPage', 'endCursor']);

export interface Edge<T> {
  cursor: string;
  node: T;
}

/** A page of a list; totalCount is computed only when a client asks for it. */
export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  /** Evaluated (once) only when read. */
  readonly totalCount: Promise<number>;
}

/** A Relay connection type for T: `edges { cursor node }`, `pageInfo`, `totalCount`. */
export function ConnectionType<T>(node: Type<T>, name: string): Type<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field()
    cursor: string;

    @Field(() => node)
    node: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [EdgeType])
    edges: EdgeType[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    @Field(() => Int, { description: 'How many items the caller may see in the whole list.' })
    @Extensions({ cost: COUNT_COST })
    totalCount: number;
  }
  // A connection's edges and page, and an edge's node, are values (Connection<T>); its
  // totalCount is a promise, and a LazyEdge's cursor is computed when read.
  holdValues(`${name}Connection`, ['edges', 'pageInfo']);
  holdValues(`${name}Edge`, ['node']);
  return ConnectionClass as unknown as Type<Connection<T>>;
}

export class PaginationException extends DomainException<'INVALID_CURSOR' | 'INVALID_PAGE_SIZE'> {
  readonly kind = ErrorKind.BAD_USER_INPUT;

  constructor(code: 'INVALID_CURSOR' | 'INVALID_PAGE_SIZE', message: string) {
    super(code, message);
  }
}

/** Validated page size. */
export function pageSize(first: number | undefined | null): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new PaginationException('INVALID_PAGE_SIZE', `first must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return first;
}

/** Cursors are opaque: the sort key of the last row, base64url JSON. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** A cursor part: any text, an instant (as `toISOString` writes it), or a row id. */
export type CursorPart = 'string' | 'date' | 'uuid';

// Cursors we write are short; anything longer was not written by us.
const MAX_CURSOR_LENGTH = 1024;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The sort key a cursor carries, each part checked against the list's key: a cursor that
 * was not written by this list is BAD_USER_INPUT, never a database error.
 */
export function decodeCursor(cursor: string | undefined | null, shape: CursorPart[]): unknown[] | null {
  if (cursor === undefined || cursor === null) return null;
  const invalid = () => new PaginationException('INVALID_CURSOR', 'after is not a cursor of this list');
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]*$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== shape.length ||
    parsed.some((v) => typeof v !== 'string' || v.includes('\u0000'))
  )
    throw invalid();
  return parsed.map((v: string, i) => {
    switch (shape[i]) {
      case 'string':
        return v;
      case 'uuid':
        if (!isUuid(v)) throw invalid();
        return v.toLowerCase();
      case 'date': {
        const d = new Date(v);
        if (!ISO_INSTANT.test(v) || Number.isNaN(d.getTime()) || d.toISOString() !== v) throw invalid();
        return d;
      }
    }
  });
}

/** An edge whose cursor is encoded when read: most pages are read without their cursors. */
class LazyEdge<T> implements Edge<T> {
  constructor(
    readonly node: T,
    private readonly keyOf: (row: T) => unknown[],
  ) {}

  get cursor(): string {
    return encodeCursor(this.keyOf(this.node).map((k) => (k instanceof Date ? k.toISOString() : k)));
  }
}

/** Builds a connection from rows fetched with limit first+1. */
export function toConnection<T>(
  rows: T[],
  first: number,
  keyOf: (row: T) => unknown[],
  totalCount: () => Promise<number>,
): Connection<T> {
  const edges = rows.slice(0, first).map((node) => new LazyEdge(node, keyOf));
  let count: Promise<number> | undefined;
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
    get totalCount() {
      return (count ??= totalCount());
    },
  };
}
