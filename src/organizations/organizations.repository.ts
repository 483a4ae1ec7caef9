import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, SelectQueryBuilder } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AppAbility } from '../access/subjects';
import { keysetPage } from '../graphql/keyset-page';
import { Connection, PageArgs } from '../graphql/pagination';
import { Organization } from '../database/entities/organization.entity';

/** The organisations' queries, named for what they answer. */
@Injectable()
export class OrganizationsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  /** A page of the organisations the caller sees, by name. */
  pageVisible(ability: AppAbility, page: PageArgs): Promise<Connection<Organization>> {
    return keysetPage(
      this.visible(ability),
      [
        { sql: 'o.name', type: 'string', value: (o) => o.name },
        { sql: 'o.id', type: 'uuid', value: (o) => o.id },
      ],
      'ASC',
      page,
    );
  }

  findVisibleById(ability: AppAbility, id: string): Promise<Organization | null> {
    return this.visible(ability).andWhere('o.id = :id', { id }).getOne();
  }

  /** Organisations by id without a check: only for the organisation of a user already seen. */
  findByIds(ids: readonly string[]): Promise<Organization[]> {
    return this.dataSource
      .getRepository(Organization)
      .createQueryBuilder('o')
      .where('o.id = ANY(:ids)', { ids: [...ids] })
      .getMany();
  }

  private visible(ability: AppAbility): SelectQueryBuilder<Organization> {
    return this.access.restrict(
      this.dataSource.getRepository(Organization).createQueryBuilder('o'),
      ability,
      'Organization',
    );
  }
}
