import { keyIdMap, worldId } from './world-id';

describe('worldId', () => {
  it('is a stable version-5-layout UUID per type and key', () => {
    const id = worldId('user', 'bob');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(worldId('user', 'bob')).toBe(id);
    expect(worldId('post', 'bob')).not.toBe(id);
    expect(worldId('user', 'bob2')).not.toBe(id);
  });
});

describe('keyIdMap', () => {
  it('gives unique keys bare and shared keys as <type>:<key> for each type', () => {
    expect(
      keyIdMap([
        { type: 'user', key: 'a', id: '1' },
        { type: 'user', key: '1', id: '2' },
        { type: 'post', key: '1', id: '3' },
      ]),
    ).toEqual({ a: '1', 'user:1': '2', 'post:1': '3' });
  });

  it('prefixes a bare key that reads like another prefixed name, so no name is taken twice', () => {
    const map = keyIdMap([
      { type: 'user', key: '1', id: 'u1' },
      { type: 'post', key: '1', id: 'p1' },
      { type: 'space', key: 'post:1', id: 's1' },
      { type: 'comment', key: 'space:post:1', id: 'c1' },
    ]);
    expect(map).toEqual({ 'user:1': 'u1', 'post:1': 'p1', 'space:post:1': 's1', 'comment:space:post:1': 'c1' });
  });
});
