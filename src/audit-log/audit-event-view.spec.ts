import { AuditEvent } from '../database/entities/audit-event.entity';
import { csvCell, csvLine, EXPORT_COLUMNS, jsonLine, presentEvent } from './audit-event-view';

const event = (extra: Partial<AuditEvent> = {}): AuditEvent => ({
  seq: 7,
  id: 'e7',
  occurredAt: new Date('2026-12-01T10:00:00Z'),
  action: 'authz.denied',
  outcome: 'DENIED',
  actorId: 'b1',
  actorOrganizationId: 'beta',
  subjectType: 'User',
  subjectId: 'a1',
  reason: 'not_visible_or_missing',
  details: { denied: { User: ['a1'] } },
  requestId: 'r1',
  ip: '10.0.0.1',
  prevHash: 'p',
  hash: 'h',
  subjectOrganizationId: 'acme',
  spaceId: 's1',
  ...extra,
});

describe('audit event view', () => {
  it('shows overseers every field, the details as canonical JSON', () => {
    const r = presentEvent(event(), { full: true });
    expect(r).toMatchObject({
      seq: '7',
      actorId: 'b1',
      subjectId: 'a1',
      details: '{"denied":{"User":["a1"]}}',
      withheld: [],
    });
  });

  it("withholds from a partner admin another organisation's actor, an unseen space, the details and hashes", () => {
    const r = presentEvent(event(), { full: false, organizationId: 'acme', seesSpace: () => false });
    expect(r).toMatchObject({ actorId: null, actorOrganizationId: null, ip: null, requestId: null, subjectId: 'a1' });
    expect(r).toMatchObject({ spaceId: null, details: null, hash: null, prevHash: null });
    expect(r.withheld).toEqual([
      'actorId',
      'actorOrganizationId',
      'ip',
      'requestId',
      'spaceId',
      'details',
      'prevHash',
      'hash',
    ]);
    const theirs = presentEvent(event(), { full: false, organizationId: 'beta', seesSpace: (id) => id === 's1' });
    expect(theirs).toMatchObject({
      actorId: 'b1',
      subjectType: null,
      subjectId: null,
      subjectOrganizationId: null,
      spaceId: 's1',
    });
  });

  it('writes JSON Lines in the column order, and CSV no spreadsheet runs as a formula', () => {
    const r = presentEvent(event({ reason: '=1+2', ip: '@x', details: { note: 'a,"b"\nc' } }), { full: true });
    expect(Object.keys(JSON.parse(jsonLine(r)))).toEqual([...EXPORT_COLUMNS]);
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('+x')).toBe("'+x");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('=A1,B1')).toBe(`"'=A1,B1"`);
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('plain')).toBe('plain');
    const line = csvLine(r);
    expect(line.endsWith('\r\n')).toBe(true);
    expect(line).toContain(",'=1+2,");
    expect(line).toContain(`"{""note"":""a,\\""b\\""\\nc""}"`);
  });
});
