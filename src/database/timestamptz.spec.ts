import { types } from 'pg';
import { parseTimestamptz } from './timestamptz';

/** `instant` written the way PostgreSQL writes a timestamptz in a session at `offset` minutes. */
function written(instant: number, fractionDigits: number, offset: number): string {
  const local = new Date(instant + offset * 60_000);
  const two = (n: number) => String(n).padStart(2, '0');
  const micros = String(local.getUTCMilliseconds() * 1000 + Math.floor((instant * 7) % 1000)).padStart(6, '0');
  const fraction = fractionDigits === 0 ? '' : `.${micros.slice(0, fractionDigits)}`;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const zone = `${sign}${two(Math.floor(abs / 60))}${abs % 60 ? `:${two(abs % 60)}` : ''}`;
  return (
    `${local.getUTCFullYear()}-${two(local.getUTCMonth() + 1)}-${two(local.getUTCDate())} ` +
    `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}${fraction}${zone}`
  );
}

/** node-postgres's own parser (postgres-date): this test does not install ours. */
const parseDate = types.getTypeParser(types.builtins.TIMESTAMPTZ, 'text') as (text: string) => Date | number | null;

const time = (d: Date | number | null) => (d instanceof Date ? d.getTime() : d);

describe('parseTimestamptz', () => {
  it('reads every instant, fraction and offset as node-postgres does', () => {
    let seed = 42;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let n = 0; n < 20_000; n++) {
      const instant = Math.floor(random() * 4_102_444_800_000); // 1970 to 2100
      const text = written(instant, n % 7, [0, 60, -300, 330, -570, 840, 345][n % 7]);
      expect([text, time(parseTimestamptz(text))]).toEqual([text, time(parseDate(text))]);
    }
  });

  it('truncates microseconds to the millisecond', () => {
    expect((parseTimestamptz('2026-12-01 16:24:28.129999+00') as Date).toISOString()).toBe('2026-12-01T16:24:28.129Z');
    expect((parseTimestamptz('2026-12-01 16:24:28.5-02:30') as Date).toISOString()).toBe('2026-12-01T18:54:28.500Z');
  });

  it.each([
    'infinity',
    '-infinity',
    '0099-01-01 00:00:00+00',
    '2000-01-01 00:00:00+00 BC',
    '1887-01-01 00:00:00+00:09:21',
    '2026-12-01 16:24:28.+00',
    '2026-12-01 16:24:28.1x+00',
  ])('leaves %s to node-postgres', (text) => {
    expect(time(parseTimestamptz(text))).toEqual(time(parseDate(text)));
  });
});
