import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { NodeInterface } from '../../graphql/node.interface';
import { SpaceModel } from '../../spaces/models/space.model';
import { RiskStatus } from '../risk-levels';

/** One risk of a space's risk map; read by the space's OWNERs and ANIMATORs and by security reviewers. */
@ObjectType('RiskEntry', { implements: () => [NodeInterface] })
export class RiskEntryModel implements NodeInterface {
  @Field(() => ID)
  id: string;

  @Field()
  description: string;

  @Field(() => Int, { description: 'Probability 0-4.' })
  probability: number;

  @Field(() => Int, { description: 'Impact 0-4, on the scale of the labels.' })
  impact: number;

  @Field({ description: 'What is done about it ("" when nothing yet).' })
  mitigation: string;

  @Field(() => RiskStatus)
  status: RiskStatus;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;
}

/** The entry as it stood after one change; the first one is its creation. */
@ObjectType('RiskEntryRevision')
export class RiskEntryRevisionModel {
  @Field()
  changedAt: Date;

  @Field()
  description: string;

  @Field(() => Int)
  probability: number;

  @Field(() => Int)
  impact: number;

  @Field()
  mitigation: string;

  @Field(() => RiskStatus)
  status: RiskStatus;
}

@ObjectType('RiskMatrixCell', { description: 'How many entries not CLOSED stand at this probability and impact.' })
export class RiskMatrixCellModel {
  @Field(() => Int)
  probability: number;

  @Field(() => Int)
  impact: number;

  @Field(() => Int)
  count: number;
}

@ObjectType('RiskMap')
export class RiskMapModel {
  @Field(() => SpaceModel)
  space: SpaceModel;

  @Field(() => [RiskEntryModel], { description: 'Every entry, by impact then probability, highest first.' })
  entries: RiskEntryModel[];

  @Field(() => [RiskMatrixCellModel], {
    description: 'The 5x5 matrix, by probability then impact (25 cells), counting entries not CLOSED.',
  })
  matrix: RiskMatrixCellModel[];

  @Field({ description: 'An OPEN risk of impact 3 or more stands: the space is restricted for externals.' })
  openCriticalRisk: boolean;
}

@ObjectType('SpaceRiskSummary')
export class SpaceRiskSummaryModel {
  @Field(() => SpaceModel)
  space: SpaceModel;

  @Field(() => RiskEntryModel, { nullable: true, description: 'The OPEN risk of highest impact, then probability.' })
  highestOpenRisk: RiskEntryModel | null;

  @Field(() => Int, { description: 'How many OPEN risks the space has.' })
  openCount: number;
}
