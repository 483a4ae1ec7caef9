import { AppAbility, asSubject } from '../access/subjects';
import { User } from '../database/entities/user.entity';

/** Per ability: whether any rule may withhold an email (an inverted field rule), computed once. */
const withholds = new WeakMap<AppAbility, boolean>();

/**
 * A user's email as the caller may read it. The user reached the caller through a
 * read-filtered query; what decides the field is the inverted field rule (a partner never
 * sees another partner's address). Without an inverted rule, whichever rule CASL finds
 * relevant (or none) leaves the address readable, so none is matched.
 */
export function visibleEmail(ability: AppAbility, user: User): string | null {
  let mayWithhold = withholds.get(ability);
  if (mayWithhold === undefined) {
    mayWithhold = ability.rulesFor('read', 'User', 'email').some((rule) => rule.inverted);
    withholds.set(ability, mayWithhold);
  }
  if (!mayWithhold) return user.email;
  const rule = ability.relevantRuleFor('read', asSubject('User', user), 'email');
  return rule?.inverted ? null : user.email;
}
