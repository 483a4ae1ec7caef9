import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { Connection, CursorPart, decodeCursor, PageArgs, pageSize, toConnection } from './pagination';

export interface SortKey<T> {
  /** SQL expression of the sort column, e.g. `p.created_at`. */
  sql: string;
  type: CursorPart;
  value: (row: T) => string | Date;
}

/**
 * One page of `qb` in keyset order (all keys in one direction, the last one unique), with
 * a lazy totalCount over the same filtered query. The query must already carry the
 * caller's access scope.
 */
export async function keysetPage<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  keys: SortKey<T>[],
  direction: 'ASC' | 'DESC',
  args: PageArgs,
): Promise<Connection<T>> {
  const first = pageSize(args.first);
  const after = decodeCursor(
    args.after,
    keys.map((k) => k.type),
  );
  const counter = qb.clone();
  const page = qb.clone();
  if (after) {
    const tuple = keys.map((k) => k.sql).join(', ');
    const params = Object.fromEntries(after.map((v, i) => [`keyset_${i}`, v]));
    const placeholders = after.map((_, i) => `:keyset_${i}`).join(', ');
    page.andWhere(`(${tuple}) ${direction === 'DESC' ? '<' : '>'} (${placeholders})`, params);
  }
  keys.forEach((k, i) => (i === 0 ? page.orderBy(k.sql, direction) : page.addOrderBy(k.sql, direction)));
  const rows = await page.limit(first + 1).getMany();
  return toConnection(
    rows,
    first,
    (row) => keys.map((k) => k.value(row)),
    () => counter.getCount(),
  );
}
