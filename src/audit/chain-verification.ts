import { GENESIS_HASH, hashEvent, ChainedFields } from './audit-chain';

/** How the table behind the API was changed, as far as the chain tells. */
export type ChainBreakKind = 'ALTERED' | 'DELETED' | 'INSERTED' | 'REORDERED' | 'ANCHOR_FORGED';

/** The first place where the chain or an anchor does not hold. */
export interface ChainProblem {
  kind: ChainBreakKind;
  /** The position named: the altered, inserted or moved row's, or the first missing one. */
  seq: number;
  /** The row at that position, when there is one. */
  eventId: string | null;
  message: string;
}

export interface ChainVerification {
  ok: boolean;
  /** Rows walked (up to and including the first broken one). */
  events: number;
  head: { seq: number; hash: string } | null;
  /** Anchors checked against the chain. */
  anchors: number;
  /** The position of the first problem (kept for callers of the first version). */
  brokenAt: number | null;
  problem: ChainProblem | null;
}

export type ChainRow = ChainedFields & { hash: string };

/** Whether a row is where it was written: its position, its link and its own hash hold. */
export function rowHolds(row: ChainRow, prev: ChainRow | null): boolean {
  return (
    row.seq === (prev?.seq ?? 0) + 1 && row.prevHash === (prev?.hash ?? GENESIS_HASH) && hashEvent(row) === row.hash
  );
}

/** What verification needs besides the walk: a lookup of the row a hash belongs to. */
export interface ChainLookup {
  /** The position of the row whose hash is `hash`, or null when no row has it. */
  seqOfHash(hash: string): Promise<number | null>;
}

/**
 * Names the first break of the chain, at `row`, the first row that does not hold after the
 * good rows `beforePrev`, `prev`; `next` is the row after it, if any.
 *
 * - a gap in the positions: rows DELETED (the first missing position is named);
 * - position and link right, own hash wrong: the row was ALTERED;
 * - the row links to the one before `prev`: `prev` was INSERTED (a forged, linked row with
 *   the rest renumbered);
 * - the row links to a row that is elsewhere in the table: REORDERED;
 * - the next row links to `prev`: this row was INSERTED;
 * - the row links to a hash no row has: a row was DELETED and the rest renumbered (its hash
 *   fits the next position), or `prev` was ALTERED and rehashed (its old hash is gone).
 */
export async function classifyBreak(
  row: ChainRow,
  prev: ChainRow | null,
  beforePrev: ChainRow | null,
  next: ChainRow | null,
  lookup: ChainLookup,
): Promise<ChainProblem> {
  const expected = (prev?.seq ?? 0) + 1;
  const link = prev?.hash ?? GENESIS_HASH;
  const at = (kind: ChainBreakKind, r: ChainRow, message: string): ChainProblem => ({
    kind,
    seq: r.seq,
    eventId: r.id,
    message,
  });
  if (row.seq < expected) return at('INSERTED', row, `row ${row.id} at seq ${row.seq} is before the chain's start`);
  if (row.seq > expected) {
    const last = row.seq - 1;
    return {
      kind: 'DELETED',
      seq: expected,
      eventId: null,
      message: `seq ${expected}${last > expected ? `–${last}` : ''} missing: the chain goes from seq ${expected - 1} to ${row.seq}`,
    };
  }
  const selfHolds = hashEvent(row) === row.hash;
  if (row.prevHash === link) {
    if (next && next.prevHash === link) {
      return at('INSERTED', row, `row ${row.id} at seq ${row.seq} was inserted: the next row links past it`);
    }
    return at('ALTERED', row, `row ${row.id} at seq ${row.seq} does not match its hash`);
  }
  if (prev && beforePrev && row.prevHash === beforePrev.hash) {
    return at('INSERTED', prev, `row ${prev.id} at seq ${prev.seq} was inserted: the row after it links past it`);
  }
  const target = row.prevHash === GENESIS_HASH ? 0 : await lookup.seqOfHash(row.prevHash);
  if (target !== null && target !== (prev?.seq ?? 0)) {
    return at('REORDERED', row, `row ${row.id} at seq ${row.seq} was written after seq ${target}`);
  }
  if (next && next.prevHash === link) {
    return at('INSERTED', row, `row ${row.id} at seq ${row.seq} was inserted: the next row links past it`);
  }
  if (!selfHolds && hashEvent({ ...row, seq: row.seq + 1 }) === row.hash) {
    return {
      kind: 'DELETED',
      seq: row.seq,
      eventId: null,
      message: `the row at seq ${row.seq} was deleted and the later rows renumbered (row ${row.id} was written at seq ${row.seq + 1})`,
    };
  }
  if (selfHolds && prev) {
    return at(
      'ALTERED',
      prev,
      `row ${prev.id} at seq ${prev.seq} was altered and rehashed: the next row links to its old hash`,
    );
  }
  return at('ALTERED', row, `row ${row.id} at seq ${row.seq} does not match its hash or link`);
}
