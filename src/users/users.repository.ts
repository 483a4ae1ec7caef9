import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, SelectQueryBuilder } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AppAbility } from '../access/subjects';
import { keysetPage } from '../graphql/keyset-page';
import { Connection, PageArgs } from '../graphql/pagination';
import { User } from '../database/entities/user.entity';

/** The people's queries, named for what they answer. */
@Injectable()
export class UsersRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  /** A page of the people the caller sees, by name; `like` (an escaped ILIKE pattern) narrows it. */
  searchVisible(ability: AppAbility, page: PageArgs, like: string | null): Promise<Connection<User>> {
    const qb = this.visible(ability);
    if (like) {
      qb.andWhere(
        `(u.display_name ILIKE :like OR COALESCE(u.job_title, '') ILIKE :like OR EXISTS (SELECT 1 FROM unnest(u.skills) sk WHERE sk ILIKE :like))`,
        { like },
      );
    }
    return keysetPage(
      qb,
      [
        { sql: 'u.display_name', type: 'string', value: (u) => u.displayName },
        { sql: 'u.id', type: 'uuid', value: (u) => u.id },
      ],
      'ASC',
      page,
    );
  }

  findVisibleById(ability: AppAbility, id: string): Promise<User | null> {
    return this.visible(ability).andWhere('u.id = :id', { id }).getOne();
  }

  findVisibleByIds(ability: AppAbility, ids: readonly string[]): Promise<User[]> {
    return this.visible(ability)
      .andWhere('u.id = ANY(:ids)', { ids: [...ids] })
      .getMany();
  }

  /** Users by id without a visibility check: only for people the caller is known to see. */
  findByIds(ids: readonly string[]): Promise<User[]> {
    return this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .where('u.id = ANY(:ids)', { ids: [...ids] })
      .getMany();
  }

  private visible(ability: AppAbility): SelectQueryBuilder<User> {
    return this.access.restrict(this.dataSource.getRepository(User).createQueryBuilder('u'), ability, 'User');
  }
}
