import { Field, Int, ObjectType } from '@nestjs/graphql';
import '../../graphql/enums';
import { MembershipRole, UserRole } from '../../common/domain.enums';

/** A text in French and English. */
@ObjectType('PolicyText')
export class PolicyTextModel {
  @Field()
  fr: string;

  @Field()
  en: string;
}

/** Who a rule applies to: a side and an exact set of user roles. */
@ObjectType('PrincipalShape')
export class PrincipalShapeModel {
  @Field({ description: 'HOST (a user of the host organisation) or EXTERNAL (any other organisation).' })
  side: string;

  @Field(() => [UserRole], { description: 'Exactly these roles (host roles count only for host users).' })
  roles: UserRole[];
}

/** One condition of a rule on the subject's facts. */
@ObjectType('PolicyCondition')
export class PolicyConditionModel {
  @Field({ description: 'A fact of the subject, dotted through a to-one relation (`post.label`).' })
  field: string;

  @Field({ description: 'eq, ne, in, nin, lt, lte, gt, gte, or elemMatch (some element of a to-many relation).' })
  operator: string;

  @Field(() => String, {
    nullable: true,
    description:
      'The operand as JSON: a literal, a list, or a symbol such as {"symbol":"caller.effectiveClearance"} or {"symbol":"caller.spaces","roles":["OWNER"],"visibility":["OPEN","HUB"]}. Null for elemMatch.',
  })
  value: string | null;

  @Field(() => [PolicyConditionModel], { nullable: true, description: 'For elemMatch: the conditions on one element.' })
  conditions: PolicyConditionModel[] | null;

  @Field(() => PolicyTextModel)
  text: PolicyTextModel;
}

/** One rule of the engine, as data and in plain words. */
@ObjectType('PolicyRule')
export class PolicyRuleModel {
  @Field({ description: '`<action>.<Subject>.<hash>`: stable while the rule does not change.' })
  id: string;

  @Field(() => Int, { description: 'Precedence: a later rule (higher order) takes precedence over an earlier one.' })
  order: number;

  @Field({ description: 'The action; `manage` stands for every action.' })
  action: string;

  @Field()
  subject: string;

  @Field({ description: 'An inverted rule refuses (CASL `cannot`).' })
  inverted: boolean;

  @Field(() => [String], { nullable: true, description: 'The fields it is limited to; null for the whole subject.' })
  fields: string[] | null;

  @Field(() => [PrincipalShapeModel])
  appliesTo: PrincipalShapeModel[];

  @Field(() => [MembershipRole], {
    description: 'The roles of the active memberships its space sets draw on; empty when it needs no membership.',
  })
  membershipRoles: MembershipRole[];

  @Field(() => [PolicyConditionModel], { description: 'All must hold; empty: every subject of the type.' })
  conditions: PolicyConditionModel[];

  @Field(() => PolicyTextModel, { description: 'Who it applies to, in plain words.' })
  who: PolicyTextModel;

  @Field(() => PolicyTextModel, { description: 'The whole rule in plain words.' })
  description: PolicyTextModel;
}

@ObjectType('PolicySymbol')
export class PolicySymbolModel {
  @Field()
  symbol: string;

  @Field(() => PolicyTextModel)
  description: PolicyTextModel;
}

/** The whole access policy, derived from the engine's own rules. */
@ObjectType('AccessPolicy')
export class AccessPolicyModel {
  @Field({ description: 'sha256 of the canonical rules: changes whenever what the rules say changes.' })
  version: string;

  @Field(() => [PolicyRuleModel], { description: 'In precedence order (see `order`).' })
  rules: PolicyRuleModel[];

  @Field(() => [PolicySymbolModel], { description: 'What the symbols in conditions stand for.' })
  symbols: PolicySymbolModel[];
}
