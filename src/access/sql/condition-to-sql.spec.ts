import { CompoundCondition, FieldCondition } from '@ucast/mongo2js';
import { conditionToSql, UntranslatableConditionError } from './condition-to-sql';

describe('conditionToSql', () => {
  it('denies everything when there is no rule', () => {
    expect(conditionToSql(null, 'Post', 'p').sql).toBe('FALSE');
  });

  it('allows everything for an empty conjunction (a rule without conditions)', () => {
    expect(conditionToSql(new CompoundCondition('and', []), 'Post', 'p').sql).toBe('TRUE');
  });

  it('binds values as parameters, never inline', () => {
    const f = conditionToSql(new FieldCondition('in', 'spaceId', ["x'); DROP TABLE posts; --"]), 'Post', 'p');
    expect(f.sql).toBe('p."space_id" = ANY(:casl0)');
    expect(f.params).toEqual({ casl0: ["x'); DROP TABLE posts; --"] });
  });

  it('says conditions through a to-one relation of a row the statement holds of that row, without EXISTS', () => {
    const onPost = new FieldCondition('eq', 'post.hidden', false);
    const looked = conditionToSql(onPost, 'Comment', 'c');
    expect(looked.sql).toMatch(/^\(EXISTS \(SELECT 1 FROM posts pos_casl0 WHERE .*pos_casl0\."hidden" = FALSE/);
    const held = conditionToSql(onPost, 'Comment', 'c', 'casl', { post: 'p' });
    expect(held.sql).toBe('(COALESCE((p."hidden" = FALSE), FALSE))');
    // Another relation bound leaves this one looked up.
    expect(conditionToSql(onPost, 'Comment', 'c', 'casl', { author: 'u' }).sql).toBe(looked.sql);
  });

  it('folds NULL into false where a column may be NULL, so that NOT behaves as in memory', () => {
    const f = conditionToSql(
      new CompoundCondition('not', [new FieldCondition('lt', 'expiresAt', new Date(0))]),
      'Membership',
      'm',
    );
    expect(f.sql).toBe('NOT COALESCE((COALESCE(m."expires_at" < :casl0, FALSE)), FALSE)');
  });

  it('matches a multi-valued field when one of its columns holds the value, as CASL does on an array', () => {
    const f = conditionToSql(new FieldCondition('eq', 'aboutOrganizationId', 'o1'), 'AuditEvent', 'e');
    expect(f.sql).toBe(
      '(COALESCE(e."actor_organization_id" = :casl0, FALSE) OR COALESCE(e."subject_organization_id" = :casl0, FALSE))',
    );
    expect(f.params).toEqual({ casl0: 'o1' });
    expect(conditionToSql(new FieldCondition('ne', 'aboutOrganizationId', 'o1'), 'AuditEvent', 'e').sql).toMatch(
      /^NOT \(COALESCE/,
    );
    expect(() => conditionToSql(new FieldCondition('lt', 'aboutOrganizationId', 'o1'), 'AuditEvent', 'e')).toThrow(
      UntranslatableConditionError,
    );
  });

  it('leaves predicates on NOT NULL columns plain, so that indexes serve them', () => {
    const f = conditionToSql(new FieldCondition('nin', 'authorOrganizationId', ['a']), 'Post', 'p');
    expect(f.sql).toBe('NOT p."author_organization_id" = ANY(:casl0)');
  });

  it('turns $elemMatch on a to-many relation into an uncorrelated IN (one set, not a probe per row)', () => {
    const f = conditionToSql(
      new FieldCondition('elemMatch', 'posts', new FieldCondition('lte', 'label', 2)),
      'User',
      'u',
    );
    expect(f.sql).toMatch(
      /^u\."id" IN \(SELECT pos_casl0\."author_id" FROM posts pos_casl0 WHERE pos_casl0\."author_id" IS NOT NULL AND pos_casl0\."label" <= 2\)$/,
    );
  });

  it('groups dotted paths through one to-one relation into a single EXISTS', () => {
    const f = conditionToSql(
      new CompoundCondition('and', [
        new FieldCondition('lte', 'post.label', 1),
        new FieldCondition('eq', 'post.hidden', false),
        new FieldCondition('in', 'authorOrganizationId', ['h']),
      ]),
      'Comment',
      'c',
    );
    expect(f.sql.match(/EXISTS/g)).toHaveLength(1);
    expect(f.sql).toContain('c."author_organization_id"');
  });

  it('fails closed on fields, relations and operators it does not know', () => {
    expect(() => conditionToSql(new FieldCondition('eq', 'body', 'x'), 'Post', 'p')).toThrow(
      UntranslatableConditionError,
    );
    expect(() =>
      conditionToSql(new FieldCondition('elemMatch', 'likes', new FieldCondition('eq', 'id', 'x')), 'Post', 'p'),
    ).toThrow(UntranslatableConditionError);
    expect(() => conditionToSql(new FieldCondition('regex', 'id', /x/), 'Post', 'p')).toThrow(
      UntranslatableConditionError,
    );
  });

  it('writes flags and small counts into the text, and binds everything else', () => {
    const f = conditionToSql(
      new CompoundCondition('and', [
        new FieldCondition('eq', 'hidden', true),
        new FieldCondition('lte', 'label', 3),
        new FieldCondition('eq', 'spaceId', "s1'; DROP TABLE posts"),
        new FieldCondition('gt', 'label', -1),
        new FieldCondition('lt', 'label', 2.5),
      ]),
      'Post',
      'p',
    );
    expect(f.sql).toContain('p."hidden" = TRUE');
    expect(f.sql).toContain('p."label" <= 3');
    expect(f.sql).toContain('p."space_id" = :casl0');
    expect(f.sql).toContain('p."label" > :casl1');
    expect(f.sql).toContain('p."label" < :casl2');
    expect(f.params).toEqual({ casl0: "s1'; DROP TABLE posts", casl1: -1, casl2: 2.5 });
  });

  it('writes disjuncts in an order of their own, so that the order of the rules does not change the text', () => {
    // Comments a member reads in two ways, each with an EXISTS on the post: the rules in either
    // order give one text, and the values follow it.
    const inHiddenSpaces = new CompoundCondition('and', [
      new FieldCondition('in', 'post.spaceId', ['s1']),
      new FieldCondition('lte', 'post.label', 3),
    ]);
    const inOtherSpaces = new CompoundCondition('and', [
      new FieldCondition('in', 'post.spaceId', ['s2', 's3']),
      new FieldCondition('lte', 'post.label', 3),
      new FieldCondition('eq', 'post.hidden', false),
      new FieldCondition('eq', 'hidden', false),
    ]);
    const one = conditionToSql(new CompoundCondition('or', [inHiddenSpaces, inOtherSpaces]), 'Comment', 'c');
    const other = conditionToSql(new CompoundCondition('or', [inOtherSpaces, inHiddenSpaces]), 'Comment', 'c');
    expect(other.sql).toBe(one.sql);
    expect(other.params).toEqual(one.params);
    expect(one.sql.match(/EXISTS/g)).toHaveLength(2);
    expect(one.sql).toContain('pos_casl0');
    expect(one.sql).toContain('pos_casl1');
    // Each value still sits beside its own test: the one-space array with the disjunct without flags.
    const [first, second] = one.sql.split(' OR ');
    const arrayIn = (sql: string) => one.params[/ANY\(:(casl\d+)\)/.exec(sql)![1]];
    expect(second).toContain('"hidden" = FALSE');
    expect(first).not.toContain('"hidden"');
    expect(arrayIn(first)).toEqual(['s1']);
    expect(arrayIn(second)).toEqual(['s2', 's3']);
  });
});
