import { createMongoAbility } from '@casl/ability';
import { DataSource } from 'typeorm';
import { ENTITIES } from '../database/entities';
import { User } from '../database/entities/user.entity';
import { EntityColumns, isPartialEntity } from '../database/entity-rows';
import { asSubject } from './subjects';

describe('asSubject', () => {
  // Metadata only: no connection is opened.
  const dataSource = new DataSource({ type: 'postgres', entities: ENTITIES });
  beforeAll(() => (dataSource as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas());

  it('copies a whole entity, tagged with its type', () => {
    const subject = asSubject('User', Object.assign(new User(), { id: 'u1', organizationId: 'o1' }));
    expect(subject).toEqual(expect.objectContaining({ id: 'u1', organizationId: 'o1', __caslSubjectType__: 'User' }));
  });

  it('makes a partial entity a subject that reads through it: a condition on a column left out throws', () => {
    const user = EntityColumns.of(dataSource, User, 'au', 'au', ['organizationId']).hydrate({
      au__id: 'u1',
      au__email: 'a@b.test',
    });
    expect(isPartialEntity(user)).toBe(true);
    const ability = createMongoAbility([
      { action: 'read', subject: 'User', conditions: { id: 'u1' } },
      { action: 'read', subject: 'User', fields: ['email'], inverted: true, conditions: { organizationId: 'o2' } },
    ]);
    const subject = asSubject('User', user);
    // The fetched column decides; the one left out is never taken for absent (undefined).
    expect(ability.can('read', subject as never)).toBe(true);
    expect(() => ability.can('read', subject as never, 'email')).toThrow(
      'User.organizationId was not fetched by this list',
    );
  });
});
