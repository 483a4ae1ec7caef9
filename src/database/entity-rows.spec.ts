import { positional } from './entity-rows';

describe('positional', () => {
  it('numbers named parameters after the values already taken, longest names first', () => {
    const values: unknown[] = ['taken'];
    const sql = positional(
      'p.a = :p_casl1 AND p.b = ANY(:p_casl10) AND p.c::text = :p_casl1',
      { p_casl1: 1, p_casl10: [2] },
      values,
    );
    expect(sql).toBe('p.a = $3 AND p.b = ANY($2) AND p.c::text = $3');
    expect(values).toEqual(['taken', [2], 1]);
  });

  it('leaves casts alone', () => {
    const values: unknown[] = [];
    expect(positional('x::uuid = :x', { x: 'v' }, values)).toBe('x::uuid = $1');
  });
});
