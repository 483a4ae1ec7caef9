import { Locale } from '../common/domain.enums';
import { BucketCounts } from './community-health.repository';

/** Below this many people, a figure could single someone out: it is withheld. */
export const K_ANONYMITY = 5;

export interface HealthFigure {
  value: number | null;
  suppressed: boolean;
  display: string;
}

export interface HealthBucket {
  start: Date;
  end: Date;
  activeMembers: HealthFigure;
  activeHostMembers: HealthFigure;
  activeExternalMembers: HealthFigure;
  posts: HealthFigure;
  comments: HealthFigure;
  medianFirstReplyHours: HealthFigure;
  replyRate: HealthFigure;
}

const WITHHELD: Record<Locale, string> = { [Locale.FR]: 'moins de 5', [Locale.EN]: 'fewer than 5' };

type Kind = 'count' | 'hours' | 'rate';

/**
 * A figure, or its withheld form when it rests on fewer than K_ANONYMITY people (or when
 * `shown` is false for a reason of its period). `people` is the number of distinct people
 * the value is computed over, never shown.
 */
export function figure(value: number | null, people: number, locale: Locale, kind: Kind, shown = true): HealthFigure {
  if (!shown || people < K_ANONYMITY || value === null) return withheld(locale);
  const rounded = kind === 'hours' ? round(value, 2) : kind === 'rate' ? round(value, 4) : value;
  return { value: rounded, suppressed: false, display: display(rounded, locale, kind) };
}

export function withheld(locale: Locale): HealthFigure {
  return { value: null, suppressed: true, display: WITHHELD[locale] };
}

/**
 * The figures of one period. A period of fewer than K_ANONYMITY active people shows none;
 * the host / external split shows both sides or neither (else the total minus one side
 * gives the other); each other figure needs K_ANONYMITY distinct people behind it.
 */
export function bucketFigures(c: BucketCounts, locale: Locale): HealthBucket {
  const period = c.active >= K_ANONYMITY;
  const split = period && c.activeHost >= K_ANONYMITY && c.activeExternal >= K_ANONYMITY;
  return {
    start: c.start,
    end: c.end,
    activeMembers: figure(c.active, c.active, locale, 'count', period),
    activeHostMembers: figure(c.activeHost, c.activeHost, locale, 'count', split),
    activeExternalMembers: figure(c.activeExternal, c.activeExternal, locale, 'count', split),
    posts: figure(c.posts, c.posters, locale, 'count', period),
    comments: figure(c.comments, c.commenters, locale, 'count', period),
    medianFirstReplyHours: figure(c.medianReplyHours, c.repliers, locale, 'hours', period),
    replyRate: figure(c.posts ? c.replied / c.posts : null, c.posters, locale, 'rate', period),
  };
}

/** A count of people (invitations, grants) stands on its own: withheld below K_ANONYMITY. */
export function peopleCount(n: number, locale: Locale): HealthFigure {
  return figure(n, n, locale, 'count');
}

function display(value: number, locale: Locale, kind: Kind): string {
  const tag = locale === Locale.EN ? 'en-GB' : 'fr-FR';
  const text =
    kind === 'hours'
      ? `${new Intl.NumberFormat(tag, { maximumFractionDigits: 1 }).format(value)} h`
      : kind === 'rate'
        ? new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0 }).format(value)
        : new Intl.NumberFormat(tag).format(value);
  // One no-break space whatever the ICU version (some write narrow ones in French).
  return text.replace(/\u202f/g, '\u00a0');
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
