import { spacesWithFacts } from './content.repository';

describe('spacesWithFacts', () => {
  const scope =
    '(((feed_space.id = ANY($1) AND p."label" <= $2 AND p."hidden" = $3) OR ' +
    '(feed_space.id = ANY($4) AND p."label" <= $5) OR (feed_space.id = ANY($1) AND p."author_id" = $6) OR ' +
    'feed_space.id IS DISTINCT FROM $7))';

  it('computes each distinct fact about a space once, as a column of the spaces, and reads it in the scope', () => {
    const { from, scope: rewritten } = spacesWithFacts(scope, '$8');
    expect(from).toBe(
      '(SELECT s.id, s.id = ANY($1) AS fact_0, s.id = ANY($4) AS fact_1, s.id IS DISTINCT FROM $7 AS fact_2' +
        ' FROM unnest((SELECT $8::uuid[])) AS s(id) OFFSET 0) feed_space',
    );
    expect(rewritten).toBe(
      '(((feed_space.fact_0 AND p."label" <= $2 AND p."hidden" = $3) OR ' +
        '(feed_space.fact_1 AND p."label" <= $5) OR (feed_space.fact_0 AND p."author_id" = $6) OR ' +
        'feed_space.fact_2))',
    );
  });

  it('leaves what is not a comparison of the space id with a parameter as it was', () => {
    const other = '(p.space_id = feed_space.id AND feed_space.id IN (SELECT m.space_id FROM memberships m))';
    expect(spacesWithFacts(other, '$1')).toEqual({
      from: '(SELECT s.id FROM unnest((SELECT $1::uuid[])) AS s(id) OFFSET 0) feed_space',
      scope: other,
    });
  });
});
