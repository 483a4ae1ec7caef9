import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { RiskStatus } from '../risk-levels';

@InputType({ description: "A new risk on a space's map: its OWNERs and ANIMATORs, and security reviewers." })
export class CreateRiskEntryInput {
  @Field(() => ID)
  spaceId: string;

  @Field({ description: '1 to 2,000 characters.' })
  description: string;

  @Field(() => Int, { description: '0 non significatif, 1 faible, 2 sensible, 3 critique, 4 stratégique.' })
  probability: number;

  @Field(() => Int, { description: '0 non significatif, 1 faible, 2 sensible, 3 critique, 4 stratégique.' })
  impact: number;

  @Field(() => ID, { nullable: true, description: 'A host user the caller sees.' })
  ownerId?: string | null;

  @Field(() => String, { nullable: true, description: 'Up to 2,000 characters.' })
  mitigation?: string | null;

  @Field(() => RiskStatus, { nullable: true, description: 'OPEN unless given.' })
  status?: RiskStatus | null;
}

@InputType({ description: 'Only the fields given change; ownerId null removes the owner.' })
export class UpdateRiskEntryInput {
  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Int, { nullable: true })
  probability?: number | null;

  @Field(() => Int, { nullable: true })
  impact?: number | null;

  @Field(() => ID, { nullable: true })
  ownerId?: string | null;

  @Field(() => String, { nullable: true })
  mitigation?: string | null;

  @Field(() => RiskStatus, { nullable: true })
  status?: RiskStatus | null;
}
