import { User } from '../database/entities/user.entity';
import { Viewer } from '../graphql/graphql-context.decorator';
import { byKey, requestLoader } from '../graphql/request-loaders';
import { UsersService } from './users.service';

/** Loads users the caller is already known to see (authors of readable posts, listed members). */
export function knownUserLoader(v: Viewer, users: UsersService) {
  return requestLoader<string, User | null>(v.ctx, 'usersById', async (ids) =>
    byKey(ids, await users.findByIds(ids), (u) => u.id),
  );
}
