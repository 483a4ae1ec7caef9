import { ArgsType, Field } from '@nestjs/graphql';
import { PageArgs } from '../../graphql/pagination';

/** The directory: a page of people, optionally narrowed by a search term. */
@ArgsType()
export class DirectoryArgs extends PageArgs {
  @Field(() => String, { nullable: true })
  search?: string;
}
