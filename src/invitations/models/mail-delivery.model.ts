import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('MailDelivery', { description: 'One mail sent (or being sent) about an invitation, and its attempts.' })
export class MailDeliveryModel {
  @Field(() => ID)
  id: string;

  @Field({ description: 'The recipient address.' })
  to: string;

  @Field({ description: 'The template key, e.g. `invitation`, `invitation.approval_needed`.' })
  template: string;

  @Field({ description: 'PENDING until sent; FAILED once the attempts are exhausted.' })
  status: string;

  @Field(() => Int)
  attempts: number;

  @Field(() => String, { nullable: true })
  lastError: string | null;

  @Field(() => Date, { nullable: true })
  sentAt: Date | null;

  @Field()
  createdAt: Date;
}
