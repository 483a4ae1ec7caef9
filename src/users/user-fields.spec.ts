import { createMongoAbility } from '@casl/ability';
import { AppAbility } from '../access/subjects';
import { User } from '../database/entities/user.entity';
import { visibleEmail } from './user-fields';

const person = (id: string, organizationId: string): User =>
  Object.assign(new User(), { id, organizationId, email: `${id}@${organizationId}.test` });

describe('visibleEmail', () => {
  // A partner's rules: anyone read, but the addresses of organisations other than host and own.
  const partner = () =>
    createMongoAbility([
      { action: 'read', subject: 'User' },
      {
        action: 'read',
        subject: 'User',
        fields: ['email'],
        inverted: true,
        conditions: { organizationId: { $nin: ['host', 'acme'] } },
      },
    ]) as unknown as AppAbility;

  it('decides each person by their own row, however often a list names them', () => {
    const ability = partner();
    const answers = [
      person('ada', 'host'),
      person('bob', 'bolt'),
      person('ada', 'host'),
      person('cy', 'acme'),
      person('bob', 'bolt'),
      person('dan', 'bolt'),
    ].map((u) => visibleEmail(ability, u));
    expect(answers).toEqual(['ada@host.test', null, 'ada@host.test', 'cy@acme.test', null, null]);
  });

  it('decides again for another ability (another request)', () => {
    const open = createMongoAbility([{ action: 'read', subject: 'User' }]) as unknown as AppAbility;
    expect(visibleEmail(partner(), person('bob', 'bolt'))).toBeNull();
    expect(visibleEmail(open, person('bob', 'bolt'))).toBe('bob@bolt.test');
  });
});
