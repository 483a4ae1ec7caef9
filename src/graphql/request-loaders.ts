import DataLoader from 'dataloader';
import { GraphqlContext } from '../auth/request-context';

/** A DataLoader living as long as one GraphQL request (so batches never cross callers). */
export function requestLoader<K, V>(
  ctx: GraphqlContext,
  key: string,
  batch: (keys: readonly K[]) => Promise<(V | Error)[]>,
): DataLoader<K, V> {
  let loader = ctx.loaders.get(key) as DataLoader<K, V> | undefined;
  if (!loader) {
    loader = new DataLoader<K, V>(batch, { maxBatchSize: 500 });
    ctx.loaders.set(key, loader);
  }
  return loader;
}

/** Orders rows by the keys asked for; a missing row becomes null. */
export function byKey<K, V>(keys: readonly K[], rows: V[], keyOf: (row: V) => K): (V | null)[] {
  const map = new Map<K, V>();
  for (const row of rows) map.set(keyOf(row), row);
  return keys.map((k) => map.get(k) ?? null);
}
