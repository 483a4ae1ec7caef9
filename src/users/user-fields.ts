import { AppAbility, asSubject } from '../access/subjects';
import { User } from '../database/entities/user.entity';

/**
 * A user's email as the caller may read it. The user reached the caller through a
 * read-filtered query; what decides the field is the inverted field rule (a partner never
 * sees another partner's address).
 */
export function visibleEmail(ability: AppAbility, user: User): string | null {
  const rule = ability.relevantRuleFor('read', asSubject('User', user), 'email');
  return rule?.inverted ? null : user.email;
}
