import { OrganizationKind } from '../common/domain.enums';
import { Principal } from './principal';
import { MAX_AGE_MS, MAX_ENTRIES, PrincipalCache } from './principal-cache';

const principal = (userId: string): Principal => ({
  userId,
  organizationId: 'o',
  organizationKind: OrganizationKind.PARTNER,
  hostOrganizationId: 'h',
  email: `${userId}@example.org`,
  displayName: userId,
  effectiveClearance: 1,
  roles: [],
  isHost: false,
  activeMemberships: [{ spaceId: 's', role: 'MEMBER' as never, partnerVisibility: 'OPEN' as never }],
  now: new Date(0),
  via: { kind: 'token', id: 't' },
});

describe('PrincipalCache', () => {
  it('forgets an entry older than its maximum age', () => {
    const cache = new PrincipalCache();
    cache.set('a', { principal: principal('a'), text: 'a', loadedAt: 1_000 });
    expect(cache.get('a', 1_000 + MAX_AGE_MS)?.text).toBe('a');
    expect(cache.get('a', 1_001 + MAX_AGE_MS)).toBeUndefined();
    expect(cache.get('a', 1_000)).toBeUndefined();
  });

  it('drops the least recently used entry beyond its size', () => {
    const cache = new PrincipalCache();
    for (let i = 0; i < MAX_ENTRIES; i++)
      cache.set(`t${i}`, { principal: principal(`u${i}`), text: `${i}`, loadedAt: 0 });
    expect(cache.get('t0', 0)?.text).toBe('0'); // t0 is now the most recently used
    cache.set('new', { principal: principal('new'), text: 'new', loadedAt: 0 });
    expect(cache.size).toBe(MAX_ENTRIES);
    expect(cache.get('t1', 0)).toBeUndefined();
    expect(cache.get('t0', 0)?.text).toBe('0');
    expect(cache.get('new', 0)?.text).toBe('new');
  });

  it('hands out a principal no request can change for the next one', () => {
    const cache = new PrincipalCache();
    cache.set('a', { principal: principal('a'), text: 'a', loadedAt: 0 });
    const entry = cache.get('a', 0)!;
    expect(() => (entry.principal.activeMemberships as unknown[]).push({})).toThrow(TypeError);
    expect(() => ((entry.principal.activeMemberships[0] as { spaceId: string }).spaceId = 'x')).toThrow(TypeError);
    expect(() => (entry.principal.roles as unknown[]).push('HOST_ADMIN')).toThrow(TypeError);
  });
});
