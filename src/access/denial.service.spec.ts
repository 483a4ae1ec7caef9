import type { AuditInput, AuditService } from '../audit/audit.service';
import { AccessErrorCode } from './access.exception';
import { DenialService } from './denial.service';
import type { Principal } from '../auth/principal';

const principal = { userId: 'u1', organizationId: 'o1' } as Principal;

function setup() {
  const written: AuditInput[][] = [];
  const audit = {
    recordQuietly: (e: AuditInput) => Promise.resolve(void written.push([e])),
    recordManyQuietly: (es: AuditInput[]) => Promise.resolve(void written.push(es)),
  } as unknown as AuditService;
  return { written, denials: new DenialService(audit) };
}

describe('DenialService', () => {
  it('collects the denials of an open request and writes them as one event when it ends', async () => {
    const { written, denials } = setup();
    denials.begin('r1');
    for (const id of ['a', 'b', 'a'])
      expect((await denials.notFound(principal, 'Post', id, 'r1')).code).toBe(AccessErrorCode.NOT_FOUND);
    await denials.notFound(principal, 'Node', 'c', 'r1');
    expect(written).toEqual([]);
    await denials.end('r1');
    expect(written).toEqual([
      [
        expect.objectContaining({
          action: 'authz.denied',
          actorId: 'u1',
          actorOrganizationId: 'o1',
          reason: 'not_visible_or_missing',
          requestId: 'r1',
          subjectType: null,
          subjectId: null,
          details: { count: 4, denied: { Post: ['a', 'b'], Node: ['c'] } },
        }),
      ],
    ]);
    // Ended: nothing more is collected under that id, and ending twice writes nothing.
    await denials.end('r1');
    await denials.notFound(principal, 'Post', 'd', 'r1');
    expect(written).toHaveLength(2);
    expect(written[1][0]).toMatchObject({ subjectType: 'Post', subjectId: 'd', details: { count: 1 } });
  });

  it('writes at once outside a request, and names the subject of a single denial', async () => {
    const { written, denials } = setup();
    await denials.notFound(principal, 'User', 'x');
    expect(written).toEqual([[expect.objectContaining({ subjectType: 'User', subjectId: 'x', requestId: null })]]);
    denials.begin('r2');
    await denials.notFound(principal, 'Space', 's', 'r2');
    await denials.end('r2');
    expect(written[1][0]).toMatchObject({
      subjectType: 'Space',
      subjectId: 's',
      details: { count: 1, denied: { Space: ['s'] } },
    });
  });

  it('writes a batched request once, when its last operation ends', async () => {
    const { written, denials } = setup();
    denials.begin('r3');
    denials.begin('r3');
    await denials.notFound(principal, 'Post', 'p', 'r3');
    await denials.end('r3');
    expect(written).toEqual([]);
    await denials.end('r3');
    expect(written).toHaveLength(1);
  });
});
