// Dates as the forms of the portal ask for them: a day (an <input type="date">), sent as that
// day at noon UTC, so that the same day reads the same in every time zone.

const DAY_MS = 86_400_000;

/** YYYY-MM-DD of an instant (UTC). */
export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

/** The instant a chosen day stands for: its noon, UTC. */
export function noonOf(day: string): string {
  return `${day}T12:00:00.000Z`;
}

/** Whole days from now until an instant (negative once past). */
export function daysUntil(iso: string, now: Date = new Date()): number {
  return Math.round((new Date(iso).getTime() - now.getTime()) / DAY_MS);
}
