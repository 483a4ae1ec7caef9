import { ArgsType, Field, ID } from '@nestjs/graphql';
import { PageArgs } from '../../graphql/pagination';

@ArgsType()
export class NotificationsArgs extends PageArgs {
  @Field(() => Boolean, { nullable: true, description: 'Only the notices not yet read.' })
  unreadOnly?: boolean;
}

@ArgsType()
export class MarkNotificationsReadArgs {
  @Field(() => [ID], { nullable: true, description: 'The notices to mark read; omitted, every unread notice.' })
  ids?: string[];
}
