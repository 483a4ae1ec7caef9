import { Field, ID, ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '../../graphql/pagination';

/** An in-app notice to the caller; its texts are rendered in the reader's language at read time. */
@ObjectType('Notification')
export class NotificationModel {
  @Field(() => ID)
  id: string;

  @Field({ description: 'What happened, e.g. `invitation.received`, `membership.renewal_due`.' })
  kind: string;

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  readAt: Date | null;
}

export const NotificationConnection = ConnectionType(NotificationModel, 'Notification');
