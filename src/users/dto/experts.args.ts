import { ArgsType, Field } from '@nestjs/graphql';
import { PageArgs } from '../../graphql/pagination';

/** The directory of experts: a page of people, narrowed by a search term and a skill. */
@ArgsType()
export class ExpertsArgs extends PageArgs {
  @Field(() => String, {
    nullable: true,
    description: 'Case-insensitive part of a name, a job title or a skill (up to 200 characters).',
  })
  search?: string | null;

  @Field(() => String, { nullable: true, description: 'A skill, matched whole, ignoring case.' })
  skill?: string | null;
}
