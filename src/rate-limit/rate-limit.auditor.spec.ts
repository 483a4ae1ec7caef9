import type { AuditInput, AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { RateLimitAuditor } from './rate-limit.auditor';
import { RateLimitName } from './rate-limit.policy';

function auditorWithLog(): { auditor: RateLimitAuditor; rows: AuditInput[] } {
  const rows: AuditInput[] = [];
  const audit = {
    recordQuietly: (input: AuditInput) => Promise.resolve(void rows.push(input)),
  } as unknown as AuditService;
  return { auditor: new RateLimitAuditor(audit, new Clock()), rows };
}

describe('RateLimitAuditor', () => {
  it('writes one row per interval whatever the flood, naming the most rejected clients', async () => {
    const { auditor, rows } = auditorWithLog();
    for (let i = 0; i < 50_000; i++) auditor.note(RateLimitName.ANONYMOUS, `ip:10.0.${i % 250}.${i % 200}`);
    for (let i = 0; i < 700; i++) auditor.note(RateLimitName.GRAPHQL, 'user:u1');
    await auditor.flush();
    expect(rows).toHaveLength(1);
    const details = rows[0].details as Record<string, unknown>;
    expect(rows[0]).toMatchObject({ action: 'rate_limit.rejected', outcome: 'DENIED', reason: 'rate_limited' });
    expect(details.rejected).toBe(50_700);
    expect(details.byLimit).toEqual({ anonymous: 50_000, graphql: 700 });
    // Memory and row size are bounded: 1,000 clients tracked, 10 named.
    expect(details.trackedClients).toBe(1000);
    expect(details.untrackedRejections).toBeGreaterThan(0);
    expect(details.top).toHaveLength(10);
    // Noise sent first does not hide the heavy hitter that comes after it.
    const [first] = details.top as { limit: string; key: string; rejected: number }[];
    expect(first).toMatchObject({ limit: 'graphql', key: 'user:u1' });
    expect(first.rejected).toBeGreaterThanOrEqual(700);
  });

  it('counts exactly while the clients fit', async () => {
    const { auditor, rows } = auditorWithLog();
    for (let i = 0; i < 30; i++) auditor.note(RateLimitName.ANONYMOUS, 'ip:203.0.113.1');
    for (let i = 0; i < 3; i++) auditor.note(RateLimitName.SIGN_IN, 'ip:203.0.113.2');
    await auditor.flush();
    expect((rows[0].details as Record<string, unknown>).top).toEqual([
      { limit: 'anonymous', key: 'ip:203.0.113.1', rejected: 30 },
      { limit: 'sign_in', key: 'ip:203.0.113.2', rejected: 3 },
    ]);
    expect((rows[0].details as Record<string, unknown>).untrackedRejections).toBe(0);
  });

  it('writes nothing for a quiet interval, and starts afresh after each flush', async () => {
    const { auditor, rows } = auditorWithLog();
    await auditor.flush();
    expect(rows).toHaveLength(0);
    auditor.note(RateLimitName.SIGN_IN, 'ip:203.0.113.1');
    await auditor.flush();
    await auditor.flush();
    expect(rows).toHaveLength(1);
    expect((rows[0].details as Record<string, unknown>).byLimit).toEqual({ sign_in: 1 });
  });
});
