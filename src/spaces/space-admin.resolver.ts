import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { WriteActor } from '../access/write-runner';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { Space } from '../database/entities/space.entity';
import { CreateSpaceInput } from './dto/create-space.input';
import { UpdateSpaceInput } from './dto/update-space.input';
import { SpaceModel } from './models/space.model';
import { SpaceUpdateResultModel } from './models/space-update-result.model';
import { SpaceAdminService, SpaceUpdateResult } from './space-admin.service';

/** Opening and running spaces; the service authorizes, validates and audits every call. */
@Resolver(() => SpaceModel)
export class SpaceAdminResolver {
  constructor(private readonly spaces: SpaceAdminService) {}

  @Mutation(() => SpaceModel, {
    description: 'Opens a space (HOST_ADMIN, or a host user cleared for its classification); the caller owns it.',
  })
  createSpace(@CurrentViewer() v: Viewer, @Args('input') input: CreateSpaceInput): Promise<Space> {
    return this.spaces.create(actorOf(v), input);
  }

  @Mutation(() => SpaceUpdateResultModel, { description: 'Changes a space (its OWNERs, HOST_ADMIN).' })
  updateSpace(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateSpaceInput,
  ): Promise<SpaceUpdateResult> {
    return this.spaces.update(actorOf(v), id, input);
  }

  @Mutation(() => SpaceModel, { description: 'Makes a space read-only for everyone; nothing is deleted.' })
  archiveSpace(@CurrentViewer() v: Viewer, @Args('id', { type: () => ID }) id: string): Promise<Space> {
    return this.spaces.archive(actorOf(v), id);
  }

  @Mutation(() => SpaceModel, { description: 'Returns an archived space to ACTIVE.' })
  reactivateSpace(@CurrentViewer() v: Viewer, @Args('id', { type: () => ID }) id: string): Promise<Space> {
    return this.spaces.reactivate(actorOf(v), id);
  }
}

function actorOf(v: Viewer): WriteActor {
  return { principal: v.principal, ability: v.ability, requestId: v.ctx.req.requestId };
}
