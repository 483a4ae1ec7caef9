import { rulesToAST } from '@casl/ability/extra';
import { Injectable } from '@nestjs/common';
import { Brackets, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { positional } from '../database/entity-rows';
import { conditionToSql, SqlFragment } from './sql/condition-to-sql';
import { AppAbility, SubjectName } from './subjects';

/** Pushes the caller's abilities down into SQL: every list is filtered in the database. */
@Injectable()
export class AccessService {
  /** The WHERE fragment selecting exactly the rows of `subject` the ability may read. */
  scope(
    ability: AppAbility,
    subject: SubjectName,
    alias: string,
    paramPrefix = `${alias}_casl`,
    bound: Readonly<Record<string, string>> = {},
  ): SqlFragment {
    return conditionToSql(rulesToAST(ability, 'read', subject), subject, alias, paramPrefix, bound);
  }

  /**
   * The same scope for a hand-written statement: its parameters are appended to `values` and
   * numbered. `bound`: to-one relations whose row the statement holds (conditionToSql).
   */
  scopeSql(
    ability: AppAbility,
    subject: SubjectName,
    alias: string,
    values: unknown[],
    bound: Readonly<Record<string, string>> = {},
  ): string {
    const { sql, params } = this.scope(ability, subject, alias, `${alias}_casl`, bound);
    return `(${positional(sql, params, values)})`;
  }

  /** Adds the scope to a query without replacing its existing conditions. */
  restrict<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    ability: AppAbility,
    subject: SubjectName,
    alias = qb.alias,
  ): SelectQueryBuilder<T> {
    const { sql, params } = this.scope(ability, subject, alias);
    return qb.andWhere(new Brackets((w) => w.where(sql, params)));
  }
}
