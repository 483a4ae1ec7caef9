import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AppAbility } from '../access/subjects';
import { keysetPage } from '../graphql/keyset-page';
import { Connection, PageArgs } from '../graphql/pagination';
import { User } from '../database/entities/user.entity';

/** People: the directory and single profiles, through the caller's abilities. */
@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  /** The people the caller sees; search matches names, job titles and skills (never emails). */
  directory(ability: AppAbility, page: PageArgs, search?: string | null): Promise<Connection<User>> {
    const qb = this.visible(ability);
    const term = search?.trim();
    if (term) {
      const like = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere(
        `(u.display_name ILIKE :like OR COALESCE(u.job_title, '') ILIKE :like OR EXISTS (SELECT 1 FROM unnest(u.skills) sk WHERE sk ILIKE :like))`,
        { like },
      );
    }
    return keysetPage(qb, [
      { sql: 'u.display_name', type: 'string', value: (u) => u.displayName },
      { sql: 'u.id', type: 'uuid', value: (u) => u.id },
    ], 'ASC', page);
  }

  findVisible(ability: AppAbility, id: string): Promise<User | null> {
    return this.visible(ability).andWhere('u.id = :id', { id }).getOne();
  }

  findManyVisible(ability: AppAbility, ids: readonly string[]): Promise<User[]> {
    return this.visible(ability).andWhere('u.id = ANY(:ids)', { ids: [...ids] }).getMany();
  }

  /** Users by id without a visibility check: only for people the caller is known to see. */
  findByIds(ids: readonly string[]): Promise<User[]> {
    return this.dataSource.getRepository(User).createQueryBuilder('u').where('u.id = ANY(:ids)', { ids: [...ids] }).getMany();
  }

  private visible(ability: AppAbility) {
    return this.access.restrict(this.dataSource.getRepository(User).createQueryBuilder('u'), ability, 'User');
  }
}
