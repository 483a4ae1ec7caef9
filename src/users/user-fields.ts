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
  // A list names the same authors again and again: decided once per person and organisation.
  let decided = withheldFor.get(ability);
  if (!decided) withheldFor.set(ability, (decided = new Map()));
  const key = `${user.id}/${user.organizationId}`;
  let withheld = decided.get(key);
  if (withheld === undefined) {
    withheld = ability.relevantRuleFor('read', asSubject('User', user), 'email')?.inverted === true;
    decided.set(key, withheld);
  }
  return withheld ? null : user.email;
}

/**
 * Per ability (one request's, or one subscription event's), whether a person's email is
 * withheld, by person and organisation: the rules decide on the person's row, the same row.
 */
const withheldFor = new WeakMap<AppAbility, Map<string, boolean>>();
