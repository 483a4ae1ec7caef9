import { MAIL_BACKOFF_MINUTES, nextAttemptAt } from './mail.dispatcher';

describe('mail retry backoff', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const after = (attempts: number) => (nextAttemptAt(now, attempts).getTime() - now.getTime()) / 60_000;

  it('waits 1, 5, 15, 60, 240 minutes... after each failed attempt, then keeps the longest wait', () => {
    expect([1, 2, 3, 4, 5].map(after)).toEqual([1, 5, 15, 60, 240]);
    const longest = MAIL_BACKOFF_MINUTES[MAIL_BACKOFF_MINUTES.length - 1];
    expect(after(MAIL_BACKOFF_MINUTES.length + 3)).toBe(longest);
  });
});
