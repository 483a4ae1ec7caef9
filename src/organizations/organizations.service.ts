import { Injectable } from '@nestjs/common';
import { AppAbility } from '../access/subjects';
import { Connection, PageArgs } from '../graphql/pagination';
import { Organization } from '../database/entities/organization.entity';
import { OrganizationsRepository } from './organizations.repository';

@Injectable()
export class OrganizationsService {
  constructor(private readonly organizations: OrganizationsRepository) {}

  list(ability: AppAbility, page: PageArgs): Promise<Connection<Organization>> {
    return this.organizations.pageVisible(ability, page);
  }

  findVisible(ability: AppAbility, id: string): Promise<Organization | null> {
    return this.organizations.findVisibleById(ability, id);
  }

  /** Organisations by id without a check: only for the organisation of a user already seen. */
  findByIds(ids: readonly string[]): Promise<Organization[]> {
    return this.organizations.findByIds(ids);
  }
}
