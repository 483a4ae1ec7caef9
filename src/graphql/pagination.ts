import { Type } from '@nestjs/common';
import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import { AccessException } from '../access/access.exception';
import { DomainException, ErrorKind } from '../common/domain.exception';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

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
    totalCount: number;
  }
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

export function decodeCursor(cursor: string | undefined | null, shape: ('string' | 'date')[]): unknown[] | null {
  if (cursor === undefined || cursor === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new PaginationException('INVALID_CURSOR', 'after is not a cursor of this list');
  }
  if (!Array.isArray(parsed) || parsed.length !== shape.length || parsed.some((v) => typeof v !== 'string')) {
    throw new PaginationException('INVALID_CURSOR', 'after is not a cursor of this list');
  }
  return parsed.map((v: string, i) => {
    if (shape[i] !== 'date') return v;
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw new PaginationException('INVALID_CURSOR', 'after is not a cursor of this list');
    return d;
  });
}

/** Builds a connection from rows fetched with limit first+1. */
export function toConnection<T>(rows: T[], first: number, keyOf: (row: T) => unknown[], totalCount: () => Promise<number>): Connection<T> {
  const page = rows.slice(0, first);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(keyOf(node).map((k) => (k instanceof Date ? k.toISOString() : k))) }));
  let count: Promise<number> | undefined;
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
    get totalCount() {
      return (count ??= totalCount());
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id argument that is not a UUID cannot name anything: the same NOT_FOUND as a missing one. */
export function assertUuid(id: string): string {
  if (!UUID.test(id)) throw AccessException.notFound();
  return id.toLowerCase();
}
