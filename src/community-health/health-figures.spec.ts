import { Locale } from '../common/domain.enums';
import { BucketCounts } from './community-health.repository';
import { bucketFigures, K_ANONYMITY, peopleCount } from './health-figures';

const counts = (over: Partial<BucketCounts> = {}): BucketCounts => ({
  grp: 'space',
  start: new Date('2026-06-08T00:00:00Z'),
  end: new Date('2026-06-15T00:00:00Z'),
  active: 12,
  activeHost: 6,
  activeExternal: 6,
  posts: 8,
  posters: 6,
  comments: 9,
  commenters: 7,
  replied: 6,
  repliers: 5,
  medianReplyHours: 2.25,
  ...over,
});

const values = (c: BucketCounts) =>
  Object.fromEntries(
    Object.entries(bucketFigures(c, Locale.FR))
      .filter(([k]) => k !== 'start' && k !== 'end')
      .map(([k, f]) => [k, (f as { value: number | null }).value]),
  );

describe('health figures', () => {
  it('shows every figure that rests on at least 5 people', () => {
    expect(values(counts())).toEqual({
      activeMembers: 12,
      activeHostMembers: 6,
      activeExternalMembers: 6,
      posts: 8,
      comments: 9,
      medianFirstReplyHours: 2.25,
      replyRate: 0.75,
    });
  });

  it('withholds every figure of a period of fewer than 5 active people', () => {
    const figures = bucketFigures(
      counts({ active: K_ANONYMITY - 1, posters: 9, commenters: 9, repliers: 9 }),
      Locale.FR,
    );
    for (const [key, f] of Object.entries(figures)) {
      if (key === 'start' || key === 'end') continue;
      expect(f).toEqual({ value: null, suppressed: true, display: 'moins de 5' });
    }
  });

  it('withholds both sides of the host / external split when either is below 5', () => {
    for (const split of [
      { activeHost: 4, activeExternal: 8 },
      { activeHost: 8, activeExternal: 4 },
      { activeHost: 12, activeExternal: 0 },
    ]) {
      const v = values(counts({ active: 12, ...split }));
      expect([v.activeMembers, v.activeHostMembers, v.activeExternalMembers]).toEqual([12, null, null]);
    }
  });

  it('withholds a figure computed over fewer than 5 people, whatever its size', () => {
    const v = values(counts({ posts: 40, posters: 4, comments: 30, commenters: 2, repliers: 4 }));
    expect(v).toMatchObject({ posts: null, replyRate: null, comments: null, medianFirstReplyHours: null });
    expect(v.activeMembers).toBe(12);
  });

  it('withholds counts of people below 5, in the reader language', () => {
    expect(peopleCount(4, Locale.EN)).toEqual({ value: null, suppressed: true, display: 'fewer than 5' });
    expect(peopleCount(0, Locale.FR)).toEqual({ value: null, suppressed: true, display: 'moins de 5' });
    expect(peopleCount(1234, Locale.FR)).toEqual({ value: 1234, suppressed: false, display: '1\u00a0234' });
    expect(peopleCount(1234, Locale.EN)).toEqual({ value: 1234, suppressed: false, display: '1,234' });
  });

  it('formats hours and shares for people', () => {
    const f = bucketFigures(counts({ medianReplyHours: 2.25, posts: 3, posters: 5, replied: 2 }), Locale.FR);
    expect(f.medianFirstReplyHours.display).toBe('2,3 h');
    expect(f.replyRate).toEqual({ value: 0.6667, suppressed: false, display: '67\u00a0%' });
    const en = bucketFigures(counts({ medianReplyHours: 2.25 }), Locale.EN);
    expect(en.medianFirstReplyHours.display).toBe('2.3 h');
  });
});
