import type { AuditService } from '../audit/audit.service';
import type { AuthenticatedRequest } from '../auth/request-context';
import { QueryRefusal } from './query-limits';
import { RequestGate } from './request-gate.plugin';

describe('RequestGate.checkSource', () => {
  const recorded: unknown[] = [];
  const audit = { recordQuietly: async (event: unknown) => void recorded.push(event) } as unknown as AuditService;
  const gate = new RequestGate({ maxDepth: 3, maxAliases: 5, maxRootFields: 5, maxComplexity: 1000 }, 1000, audit);
  const request = (query: string) => ({ body: { query }, requestId: 'r' }) as unknown as AuthenticatedRequest;

  beforeEach(() => (recorded.length = 0));

  it('refuses and audits a document of the wrong shape every time it comes, not only the first', async () => {
    const deep = '{ a { b { c { d } } } }';
    for (let i = 0; i < 3; i++) {
      const refusal = await gate.checkSource(request(deep)).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(QueryRefusal);
      expect((refusal as QueryRefusal).reason).toBe('too_deep');
    }
    expect(recorded).toHaveLength(3);
  });

  it('lets a document of the right shape through, every time', async () => {
    for (let i = 0; i < 2; i++) await expect(gate.checkSource(request('{ a { b } }'))).resolves.toBeUndefined();
    expect(recorded).toHaveLength(0);
  });
});
