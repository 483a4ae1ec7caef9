import { WriteErrorCode, WriteException } from '../access/write.exception';
import { MembershipRole } from '../common/domain.enums';
import { resolveGrant } from './grant-rules';

const now = new Date('2026-06-01T00:00:00Z');
const days = (n: number) => new Date(now.getTime() + n * 86_400_000);

function codeOf(run: () => unknown): WriteErrorCode | null {
  try {
    run();
    return null;
  } catch (error) {
    if (error instanceof WriteException) return error.code;
    throw error;
  }
}

describe('resolveGrant', () => {
  it('never makes an external OWNER or ANIMATOR', () => {
    for (const role of [MembershipRole.OWNER, MembershipRole.ANIMATOR]) {
      expect(codeOf(() => resolveGrant({ external: true, role }, { now, risky: false }))).toBe(
        WriteErrorCode.EXTERNAL_ROLE,
      );
      expect(resolveGrant({ external: false, role }, { now, risky: false })).toEqual({ role, expiresAt: null });
    }
  });

  it('gives externals 90 days by default, 365 at most, 30 while a critical risk is open', () => {
    const member = { external: true, role: MembershipRole.MEMBER };
    expect(resolveGrant(member, { now, risky: false }).expiresAt).toEqual(days(90));
    expect(resolveGrant(member, { now, risky: true }).expiresAt).toEqual(days(30));
    expect(resolveGrant({ ...member, expiresAt: days(365) }, { now, risky: false }).expiresAt).toEqual(days(365));
    expect(codeOf(() => resolveGrant({ ...member, expiresAt: days(366) }, { now, risky: false }))).toBe(
      WriteErrorCode.EXPIRY_TOO_LATE,
    );
    expect(codeOf(() => resolveGrant({ ...member, expiresAt: days(31) }, { now, risky: true }))).toBe(
      WriteErrorCode.EXPIRY_TOO_LATE,
    );
  });

  it('refuses an expiry that is not in the future, for everyone', () => {
    for (const external of [true, false]) {
      expect(
        codeOf(() => resolveGrant({ external, role: MembershipRole.MEMBER, expiresAt: now }, { now, risky: false })),
      ).toBe(WriteErrorCode.EXPIRY_IN_PAST);
    }
  });
});
