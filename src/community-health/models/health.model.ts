import { Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Space } from '../../database/entities/space.entity';
import { SpaceModel } from '../../spaces/models/space.model';

/** Calendar periods of the health figures, in UTC: ISO weeks (from Monday 00:00) or months. */
export enum HealthPeriod {
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}

registerEnumType(HealthPeriod, {
  name: 'HealthPeriod',
  description: 'WEEK: ISO calendar weeks, from Monday 00:00 UTC. MONTH: calendar months in UTC.',
});

@ObjectType('HealthFigure', {
  description:
    'One aggregate figure. A figure computed over fewer than 5 people is withheld: value null, suppressed true, display "moins de 5" / "fewer than 5".',
})
export class HealthFigureModel {
  @Field(() => Float, { nullable: true })
  value: number | null;

  @Field()
  suppressed: boolean;

  @Field({ description: "The figure as a person reads it, in the caller's language." })
  display: string;
}

@ObjectType('HealthBucket', { description: 'The figures of one period, [start, end).' })
export class HealthBucketModel {
  @Field()
  start: Date;

  @Field()
  end: Date;

  @Field(() => HealthFigureModel, { description: 'Distinct people who posted, commented or reacted in the period.' })
  activeMembers: HealthFigureModel;

  @Field(() => HealthFigureModel, { description: 'Of them, people of the host (withheld with the other side).' })
  activeHostMembers: HealthFigureModel;

  @Field(() => HealthFigureModel, { description: 'Of them, external people (withheld with the other side).' })
  activeExternalMembers: HealthFigureModel;

  @Field(() => HealthFigureModel, { description: 'Posts created in the period.' })
  posts: HealthFigureModel;

  @Field(() => HealthFigureModel, { description: 'Comments created in the period.' })
  comments: HealthFigureModel;

  @Field(() => HealthFigureModel, {
    description: "Median hours from a period's post to its first comment by someone other than its author.",
  })
  medianFirstReplyHours: HealthFigureModel;

  @Field(() => HealthFigureModel, {
    description: "Share (0 to 1) of the period's posts that got a comment from someone other than their author.",
  })
  replyRate: HealthFigureModel;
}

@ObjectType('SpaceHealth')
export class SpaceHealthModel {
  @Field(() => SpaceModel)
  space: Space;

  @Field(() => HealthPeriod)
  period: HealthPeriod;

  @Field(() => [HealthBucketModel], { description: 'Oldest first; the current period last.' })
  buckets: HealthBucketModel[];

  @Field(() => HealthFigureModel, { description: 'Invitations waiting now (PENDING or PENDING_APPROVAL).' })
  pendingInvitations: HealthFigureModel;

  @Field(() => HealthFigureModel, { description: 'Active grants expiring within the next 30 days.' })
  expiringMemberships: HealthFigureModel;
}

@ObjectType('HealthGroup')
export class HealthGroupModel {
  @Field(() => Int, { description: 'How many spaces the group holds.' })
  spaces: number;

  @Field(() => [HealthBucketModel], { description: 'Oldest first; people counted once across the group.' })
  buckets: HealthBucketModel[];
}

@ObjectType('HealthOverview', { description: 'PILOT spaces against ACTIVE ones (ARCHIVED spaces left out).' })
export class HealthOverviewModel {
  @Field(() => HealthPeriod)
  period: HealthPeriod;

  @Field(() => HealthGroupModel)
  pilot: HealthGroupModel;

  @Field(() => HealthGroupModel)
  others: HealthGroupModel;
}
