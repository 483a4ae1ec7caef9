import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { DenialService } from '../access/denial.service';
import { WriteActor } from '../access/write-runner';
import { RiskEntry } from '../database/entities/risk-entry.entity';
import { RiskEntryRevision } from '../database/entities/risk-entry-revision.entity';
import { Space } from '../database/entities/space.entity';
import { User } from '../database/entities/user.entity';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { byKey, requestLoader } from '../graphql/request-loaders';
import { SpaceModel } from '../spaces/models/space.model';
import { SpacesService } from '../spaces/spaces.service';
import { UserModel } from '../users/models/user.model';
import { UsersService } from '../users/users.service';
import { CreateRiskEntryInput, UpdateRiskEntryInput } from './dto/risk-entry.inputs';
import { RiskEntryModel, RiskEntryRevisionModel, RiskMapModel, SpaceRiskSummaryModel } from './models/risk-entry.model';
import { levelName } from './risk-levels';
import { RiskMap, RisksService, SpaceRiskSummary } from './risks.service';
import { visibleSpaceLoader } from '../spaces/space.loader';

function actorOf(v: Viewer): WriteActor {
  return { principal: v.principal, ability: v.ability, requestId: v.ctx.req.requestId };
}

/** People named by an entry or a revision, as far as the caller sees them (null otherwise). */
function visibleUsers(v: Viewer, users: UsersService) {
  return requestLoader<string, User | null>(v.ctx, 'riskVisibleUsersById', async (ids) =>
    byKey(ids, await users.findManyVisible(v.ability, ids), (u) => u.id),
  );
}

@Resolver(() => RiskEntryModel)
export class RisksResolver {
  constructor(
    private readonly risks: RisksService,
    private readonly spaces: SpacesService,
    private readonly users: UsersService,
    private readonly denials: DenialService,
  ) {}

  @Query(() => RiskMapModel, {
    description:
      "A space's risk map: its OWNERs and ANIMATORs and security reviewers. NOT_FOUND when the space is invisible or missing; FORBIDDEN when the caller sees the space but not its risks.",
  })
  riskMap(@CurrentViewer() v: Viewer, @Args('spaceId', { type: () => ID }) spaceId: string): Promise<RiskMap> {
    const requestId = v.ctx.req.requestId;
    return this.risks.riskMap(
      v.principal,
      v.ability,
      spaceId,
      () => this.denials.notFound(v.principal, 'Space', spaceId, requestId),
      requestId,
    );
  }

  @Query(() => [SpaceRiskSummaryModel], {
    description: 'Security reviewers: per space, the highest OPEN risk (impact, then probability) and the OPEN count.',
  })
  riskOverview(@CurrentViewer() v: Viewer): Promise<SpaceRiskSummary[]> {
    return this.risks.overview(v.principal, v.ability, v.ctx.req.requestId);
  }

  @Mutation(() => RiskEntryModel, {
    description:
      "Adds a risk to a space's map: its OWNERs and ANIMATORs and security reviewers. An OPEN risk of impact 3 or more restricts the space's new external grants (30 days, four eyes) and takes its externals out of the directory of experts.",
  })
  createRiskEntry(@CurrentViewer() v: Viewer, @Args('input') input: CreateRiskEntryInput): Promise<RiskEntry> {
    return this.risks.create(actorOf(v), input);
  }

  @Mutation(() => RiskEntryModel, { description: 'Changes a risk; every change is kept in its history.' })
  updateRiskEntry(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateRiskEntryInput,
  ): Promise<RiskEntry> {
    return this.risks.update(actorOf(v), id, input);
  }

  @ResolveField(() => SpaceModel)
  async space(@CurrentViewer() v: Viewer, @Parent() entry: RiskEntry): Promise<Space> {
    // Reading a space's risks requires seeing the space (leader's membership, or reviewer).
    const space = await visibleSpaceLoader(v, this.spaces).load(entry.spaceId);
    if (!space) throw new Error(`space ${entry.spaceId} of a readable risk is not visible`);
    return space;
  }

  @ResolveField(() => String, { description: 'The probability in French: non significatif ... stratégique.' })
  probabilityName(@Parent() entry: RiskEntry): string {
    return levelName(entry.probability);
  }

  @ResolveField(() => String, { description: 'The impact in French: non significatif ... stratégique.' })
  impactName(@Parent() entry: RiskEntry): string {
    return levelName(entry.impact);
  }

  @ResolveField(() => UserModel, { nullable: true, description: 'A host user; null when none.' })
  async owner(@CurrentViewer() v: Viewer, @Parent() entry: RiskEntry): Promise<User | null> {
    return entry.ownerId ? visibleUsers(v, this.users).load(entry.ownerId) : null;
  }

  @ResolveField(() => [RiskEntryRevisionModel], { description: 'Every state the entry went through, oldest first.' })
  history(@CurrentViewer() v: Viewer, @Parent() entry: RiskEntry): Promise<RiskEntryRevision[]> {
    const loader = requestLoader<string, RiskEntryRevision[]>(v.ctx, 'riskRevisionsByEntry', async (ids) => {
      const rows = await this.risks.revisionsOf(ids);
      return ids.map((id) => rows.filter((r) => r.riskEntryId === id));
    });
    return loader.load(entry.id);
  }
}

@Resolver(() => RiskEntryRevisionModel)
export class RiskEntryRevisionResolver {
  constructor(private readonly users: UsersService) {}

  @ResolveField(() => UserModel, { nullable: true, description: 'Who made the change; null where unknown.' })
  async changedBy(@CurrentViewer() v: Viewer, @Parent() revision: RiskEntryRevision): Promise<User | null> {
    return revision.changedById ? visibleUsers(v, this.users).load(revision.changedById) : null;
  }

  @ResolveField(() => UserModel, { nullable: true })
  async owner(@CurrentViewer() v: Viewer, @Parent() revision: RiskEntryRevision): Promise<User | null> {
    return revision.ownerId ? visibleUsers(v, this.users).load(revision.ownerId) : null;
  }
}
