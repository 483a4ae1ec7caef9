import { Organization } from '../database/entities/organization.entity';
import { Viewer } from '../graphql/graphql-context.decorator';
import { byKey, requestLoader } from '../graphql/request-loaders';
import { OrganizationsService } from './organizations.service';

/** Loads organisations the caller already sees (those of users the caller sees: DESIGN 2, Organisations). */
export function knownOrganizationLoader(v: Viewer, organizations: OrganizationsService) {
  return requestLoader<string, Organization | null>(v.ctx, 'organizationsById', async (ids) =>
    byKey(ids, await organizations.findByIds(ids), (o) => o.id),
  );
}
