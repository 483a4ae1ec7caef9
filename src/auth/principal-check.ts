import { DataSource } from 'typeorm';
import { preparedQuery } from '../common/prepared-query';
import { tokenPrincipalTextSql } from './principal.service';

/**
 * A principal taken from the principal cache, not yet proven current. It is proven by a
 * statement that computes the principal again, as the database stands for that statement,
 * and finds the same text (`expected`): the request's first statement carries that
 * computation (checkedQuery), so a cached principal costs no round trip of its own and is
 * never trusted a statement longer than the database agrees with it.
 */
export class PrincipalCheck {
  /** Proven: the principal was current when a statement of this request ran. */
  settled = false;
  /**
   * The request's statements carry the check (a GraphQL query whose one root field proves it
   * before answering: carried-check.ts). Otherwise the request settles it before anything runs.
   */
  carried = false;

  constructor(
    readonly tokenHash: string,
    readonly now: Date,
    readonly expected: string,
  ) {}
}

/** The cached principal a statement was built from is no longer the caller's: start over. */
export class StalePrincipal extends Error {
  constructor() {
    super('the cached principal is no longer current');
  }
}

/** Principals and abilities built from a cached principal, and the check that proves them. */
const checks = new WeakMap<object, PrincipalCheck>();

export function attachCheck(holder: object, check: PrincipalCheck): void {
  checks.set(holder, check);
}

/** The check still to be passed before anything built from `holder` may be used. */
export function pendingCheckOf(holder: object): PrincipalCheck | undefined {
  const check = checks.get(holder);
  return check && !check.settled ? check : undefined;
}

const CHECK_COLUMN = '__principal_current';

/**
 * preparedQuery for a statement built from `ability`. When the ability comes from a cached
 * principal not yet proven, the statement also computes the caller's principal (a scalar
 * subquery, run once) and compares it with the cached one's text: each row says whether they
 * are equal (a boolean, not the text, so the rows stay as small as they were), and the rows are
 * returned only if so; otherwise StalePrincipal is thrown and nothing of them is used. A
 * statement that finds no row proves it with the same computation alone. Every row keeps the
 * extra column.
 */
export async function checkedQuery<T>(
  dataSource: DataSource,
  ability: object,
  text: string,
  values: unknown[],
): Promise<T[]> {
  const check = pendingCheckOf(ability);
  if (!check) return preparedQuery<T>(dataSource, text, values);
  const n = values.length;
  // A subquery in FROM with nothing around it to reorder it: its rows come out in its own ORDER BY.
  const rows = await preparedQuery<T & Record<typeof CHECK_COLUMN, boolean | null>>(
    dataSource,
    `SELECT q.*, COALESCE(${tokenPrincipalTextSql(`$${n + 1}`, `$${n + 2}`)} = $${n + 3}::text, false) AS ${CHECK_COLUMN}
       FROM (${text}) q`,
    [...values, check.tokenHash, check.now, check.expected],
  );
  const current = rows.length > 0 ? rows[0][CHECK_COLUMN] === true : await proveAlone(dataSource, check);
  if (!current) throw new StalePrincipal();
  check.settled = true;
  return rows;
}

/**
 * Proves the check in a statement of its own (settling it), or answers false when the
 * token's principal is no longer the cached one.
 */
export async function proveAlone(dataSource: DataSource, check: PrincipalCheck): Promise<boolean> {
  const rows = await preparedQuery<{ text: string | null }>(
    dataSource,
    `SELECT ${tokenPrincipalTextSql('$1', '$2')} AS text`,
    [check.tokenHash, check.now],
  );
  if (rows[0]?.text !== check.expected) return false;
  check.settled = true;
  return true;
}
