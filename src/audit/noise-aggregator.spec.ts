import type { AuditInput } from './audit.service';
import { NoiseAggregator } from './noise-aggregator';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
const noise = (ip: string, extra: Partial<AuditInput> = {}): AuditInput => ({
  action: 'auth.unauthenticated',
  outcome: 'DENIED',
  reason: 'no_credential',
  ip,
  details: { path: '/graphql' },
  ...extra,
});

describe('NoiseAggregator', () => {
  it('lets the first of a kind through, counts the rest, and drains one event per kind', () => {
    const agg = new NoiseAggregator(at(0));
    expect(agg.note(noise('1.1.1.1'), at(1))).toEqual(noise('1.1.1.1'));
    for (let i = 0; i < 99; i++) expect(agg.note(noise('1.1.1.1'), at(2))).toBeNull();
    expect(agg.note(noise('2.2.2.2'), at(3))).not.toBeNull();
    const out = agg.drain(at(60));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      action: 'auth.unauthenticated',
      ip: '1.1.1.1',
      requestId: null,
      details: { aggregated: true, count: 99, samplePaths: ['/graphql'] },
    });
    // A new window starts empty.
    expect(agg.drain(at(120))).toEqual([]);
    expect(agg.note(noise('1.1.1.1'), at(121))).not.toBeNull();
  });

  it('does not let made-up subject ids or addresses multiply the rows', () => {
    const agg = new NoiseAggregator(at(0), 3);
    let written = 0;
    for (let i = 0; i < 1000; i++) {
      if (
        agg.note(
          noise(`10.0.${i >> 8}.${i & 255}`, {
            action: 'auth.login.start',
            outcome: 'FAILURE',
            subjectType: 'IdpConnection',
            subjectId: `id-${i}`,
          }),
          at(1),
        )
      )
        written++;
    }
    const out = agg.drain(at(60));
    // Three kinds by address, then one shared bucket.
    expect(written).toBe(4);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ ip: null, subjectId: null, details: { count: 996, overflow: true } });
    expect((out[0].details as { sampleSubjectIds: string[] }).sampleSubjectIds).toHaveLength(5);
    expect(written + out.reduce((n, e) => n + (e.details!.count as number), 0)).toBe(1000);
  });
});
