import type { Caller } from '../callers';
import type { Workload } from '../workloads';

/**
 * Before anything is measured: the gateway and the floor must give every caller of the pool
 * the same answer to every workload (the same objects, ids and values in the same order),
 * or the run stops. A floor that answered less would be a faster floor for the wrong reason.
 */
export async function checkSameAnswers(
  gatewayUrl: string,
  floorUrl: string,
  callers: Caller[],
  workloads: Workload[],
  turns = 2,
): Promise<number> {
  let compared = 0;
  for (const caller of callers) {
    for (const w of workloads) {
      for (let turn = 0; turn < (w.name === 'space page' ? turns : 1); turn++) {
        const body = w.body(caller, turn);
        const [fromGateway, fromFloor] = await Promise.all([
          post(gatewayUrl, caller, body),
          post(floorUrl, caller, body),
        ]);
        const difference = firstDifference(fromGateway, fromFloor, '');
        if (difference !== null) {
          throw new Error(
            `${w.name} for caller ${caller.userId}: the floor and the gateway disagree at ${difference}\n` +
              `gateway: ${JSON.stringify(fromGateway).slice(0, 600)}\nfloor:   ${JSON.stringify(fromFloor).slice(0, 600)}`,
          );
        }
        compared++;
      }
    }
  }
  return compared;
}

async function post(baseUrl: string, caller: Caller, body: string): Promise<unknown> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${caller.token}` },
    body,
  });
  const json = (await res.json()) as { data?: unknown; errors?: unknown };
  if (res.status !== 200 || json.errors) throw new Error(`${baseUrl} answered ${res.status}: ${JSON.stringify(json)}`);
  return json.data;
}

/** The path of the first value that differs, or null when both are the same JSON. */
export function firstDifference(a: unknown, b: unknown, path: string): string | null {
  if (a === b) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return path || '(root)';
  if (Array.isArray(a) !== Array.isArray(b)) return path;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  if (Array.isArray(a) && a.length !== (b as unknown[]).length)
    return `${path}.length (${a.length} vs ${(b as unknown[]).length})`;
  for (const key of keys) {
    const d = firstDifference(
      (a as Record<string, unknown>)[key],
      (b as Record<string, unknown>)[key],
      `${path}.${key}`,
    );
    if (d !== null) return d;
  }
  return null;
}
