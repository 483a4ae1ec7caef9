import { DataSource } from 'typeorm';
import { ENTITIES } from './entities';
import { User } from './entities/user.entity';
import { entityColumnProperties, EntityColumns, isPartialEntity, positional } from './entity-rows';

describe('EntityColumns', () => {
  // Metadata only: no connection is opened.
  const dataSource = new DataSource({ type: 'postgres', entities: ENTITIES });
  // buildMetadatas is protected: what initialize() calls before connecting, called alone.
  beforeAll(() => (dataSource as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas());

  const row = {
    au__id: 'u1',
    au__organization_id: 'o1',
    au__email: 'a@b.test',
    au__display_name: 'Ada',
    au__roles: ['PARTNER_ADMIN'],
    au__created_at: new Date('2026-01-01T00:00:00Z'),
  };

  it('selects and hydrates the columns it keeps, and throws on reading one it left out', () => {
    const columns = EntityColumns.of(dataSource, User, 'au', 'au', ['createdAt', 'bio']);
    expect(columns.select).toContain('au."display_name" AS "au__display_name"');
    expect(columns.select).not.toContain('created_at');
    expect(columns.select).not.toContain('"bio"');
    const user = columns.hydrate(row);
    expect(user).toBeInstanceOf(User);
    expect([user.id, user.organizationId, user.email, user.displayName, user.roles]).toEqual([
      'u1',
      'o1',
      'a@b.test',
      'Ada',
      ['PARTNER_ADMIN'],
    ]);
    expect(() => user.createdAt).toThrow('User.createdAt was not fetched by this list');
    expect(() => user.bio).toThrow('User.bio was not fetched by this list');
    // Spreading (as CASL subjects are built) copies what was fetched, and nothing left out.
    expect(Object.keys({ ...user })).not.toContain('createdAt');
    user.bio = 'written later';
    expect(user.bio).toBe('written later');
  });

  it('hydrates every column when none is left out', () => {
    const user = EntityColumns.of(dataSource, User, 'au').hydrate(row);
    expect(user.createdAt).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(isPartialEntity(user)).toBe(false);
  });

  it('lists the column properties of an entity', () => {
    const columns = entityColumnProperties(User);
    expect(columns).toEqual(expect.arrayContaining(['id', 'organizationId', 'email', 'displayName', 'createdAt']));
    expect(columns).not.toContain('organization');
  });
});

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
