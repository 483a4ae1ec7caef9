import { Injectable } from '@nestjs/common';
import { AppAbility } from '../access/subjects';
import { Connection, PageArgs } from '../graphql/pagination';
import { User } from '../database/entities/user.entity';
import { UsersRepository } from './users.repository';

/** People: the directory and single profiles, through the caller's abilities. */
@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  /** The people the caller sees; search matches names, job titles and skills (never emails). */
  directory(ability: AppAbility, page: PageArgs, search?: string | null): Promise<Connection<User>> {
    const term = search?.trim();
    const like = term ? `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    return this.users.searchVisible(ability, page, like);
  }

  findVisible(ability: AppAbility, id: string): Promise<User | null> {
    return this.users.findVisibleById(ability, id);
  }

  findManyVisible(ability: AppAbility, ids: readonly string[]): Promise<User[]> {
    return this.users.findVisibleByIds(ability, ids);
  }

  /** Users by id without a visibility check: only for people the caller is known to see. */
  findByIds(ids: readonly string[]): Promise<User[]> {
    return this.users.findByIds(ids);
  }
}
