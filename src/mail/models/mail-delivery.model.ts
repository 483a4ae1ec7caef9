import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum MailDeliveryStatus {
  PENDING = 'PENDING',
  SENT = 'SENT',
  FAILED = 'FAILED',
}

registerEnumType(MailDeliveryStatus, {
  name: 'MailDeliveryStatus',
  description: 'PENDING: waiting, or to be retried at nextAttemptAt; SENT; FAILED: given up after every attempt.',
});

/** A mail about an object and how its delivery went (MailService.deliveriesOf). */
@ObjectType('MailDelivery')
export class MailDeliveryModel {
  @Field(() => ID)
  id: string;

  @Field({ description: 'The template, e.g. `invitation`.' })
  template: string;

  @Field()
  toAddress: string;

  @Field(() => MailDeliveryStatus)
  status: MailDeliveryStatus;

  @Field(() => Int, { description: 'Send attempts so far.' })
  attempts: number;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed (short, no secrets).' })
  lastError: string | null;

  @Field({ description: 'When the next attempt is due (while PENDING).' })
  nextAttemptAt: Date;

  @Field(() => Date, { nullable: true })
  sentAt: Date | null;

  @Field()
  createdAt: Date;
}
