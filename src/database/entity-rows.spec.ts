import { positional } from './entity-rows';

describe('positional', () => {
  it('numbers named parameters after the values already taken, in order of appearance, each once', () => {
    const values: unknown[] = ['taken'];
    const sql = positional(
      'p.a = :p_casl1 AND p.b = ANY(:p_casl10) AND p.c::text = :p_casl1',
      { p_casl1: 1, p_casl10: [2] },
      values,
    );
    expect(sql).toBe('p.a = $2 AND p.b = ANY($3) AND p.c::text = $2');
    expect(values).toEqual(['taken', 1, [2]]);
  });

  it('leaves names that are not parameters alone', () => {
    const values: unknown[] = [];
    expect(positional("p.a = :p_casl1 AND p.t = ':other'", { p_casl1: 1 }, values)).toBe("p.a = $1 AND p.t = ':other'");
    expect(values).toEqual([1]);
  });

  it('leaves casts alone', () => {
    const values: unknown[] = [];
    expect(positional('x::uuid = :x', { x: 'v' }, values)).toBe('x::uuid = $1');
  });
});
