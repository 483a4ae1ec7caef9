import { Injectable } from '@nestjs/common';
import { AppAbility } from '../access/subjects';
import { Connection, PageArgs } from '../graphql/pagination';
import { Membership } from '../database/entities/membership.entity';
import { Space } from '../database/entities/space.entity';
import { SpacesRepository } from './spaces.repository';

/** Spaces and member lists, always through the caller's abilities. */
@Injectable()
export class SpacesService {
  constructor(private readonly spaces: SpacesRepository) {}

  list(ability: AppAbility, page: PageArgs): Promise<Connection<Space>> {
    return this.spaces.pageVisible(ability, page);
  }

  /** The space if the caller sees it; null for invisible and missing alike. */
  findVisible(ability: AppAbility, id: string): Promise<Space | null> {
    return this.spaces.findVisibleById(ability, id);
  }

  /** Visible spaces among ids, for batched loads. */
  findManyVisible(ability: AppAbility, ids: readonly string[]): Promise<Space[]> {
    return this.spaces.findVisibleByIds(ability, ids);
  }

  members(ability: AppAbility, spaceId: string, page: PageArgs): Promise<Connection<Membership>> {
    return this.spaces.pageVisibleMembers(ability, spaceId, page);
  }
}
