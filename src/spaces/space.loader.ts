import { Space } from '../database/entities/space.entity';
import { Viewer } from '../graphql/graphql-context.decorator';
import { byKey, requestLoader } from '../graphql/request-loaders';
import { SpacesService } from './spaces.service';

/** Spaces the caller sees, by id, in one query per request (null for one they do not see). */
export function visibleSpaceLoader(v: Viewer, spaces: SpacesService) {
  return requestLoader<string, Space | null>(v.ctx, 'visibleSpacesById', async (ids) =>
    byKey(ids, await spaces.findManyVisible(v.ability, ids), (s) => s.id),
  );
}
