import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { PageArgs } from '../../graphql/pagination';
import { AuditDecision } from '../audit-log-filter';

@InputType({ description: 'Narrows the audit log; every field is optional and they combine with AND.' })
export class AuditEventFilter {
  @Field(() => ID, { nullable: true, description: 'Events by this person.' })
  actor?: string | null;

  @Field(() => ID, {
    nullable: true,
    description:
      'Events about this organisation: its people acting, or its people and objects acted on. A partner admin: their own only.',
  })
  organization?: string | null;

  @Field(() => ID, { nullable: true, description: 'Events concerning this space (one the caller sees).' })
  space?: string | null;

  @Field(() => String, { nullable: true, description: 'This action exactly, e.g. auth.login.' })
  action?: string | null;

  @Field(() => AuditDecision, { nullable: true })
  decision?: AuditDecision | null;

  @Field(() => Date, { nullable: true, description: 'From this instant (included).' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Up to this instant (excluded).' })
  to?: Date | null;
}

@ArgsType()
export class AuditEventsArgs extends PageArgs {
  @Field(() => AuditEventFilter, { nullable: true })
  filter?: AuditEventFilter | null;
}
