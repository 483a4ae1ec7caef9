import { rulesToAST } from '@casl/ability/extra';
import { Injectable } from '@nestjs/common';
import { Brackets, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { positional } from '../database/entity-rows';
import { bindInstant, instantOf } from './instant-ability';
import { conditionToSql, SqlFragment } from './sql/condition-to-sql';
import { Action, AppAbility, SubjectName } from './subjects';

/** The SQL of a shared ability's rules, by what was asked (abilitySql): its rules never change. */
const translated = new WeakMap<AppAbility, Map<string, SqlFragment>>();

/**
 * The WHERE fragment selecting exactly the rows of `subject` on which the ability may do
 * `action`. For a request's view of a shared ability (instant-ability.ts) the translation is
 * made once per shared ability and the request's instant is bound into its parameters.
 */
export function abilitySql(
  ability: AppAbility,
  action: Action,
  subject: SubjectName,
  alias: string,
  paramPrefix: string,
  bound: Readonly<Record<string, string>> = {},
): SqlFragment {
  const at = instantOf(ability);
  if (!at) return conditionToSql(rulesToAST(ability, action, subject), subject, alias, paramPrefix, bound);
  let byQuestion = translated.get(at.shared);
  if (!byQuestion) translated.set(at.shared, (byQuestion = new Map()));
  const key = JSON.stringify([action, subject, alias, paramPrefix, Object.entries(bound)]);
  let fragment = byQuestion.get(key);
  if (!fragment) {
    fragment = conditionToSql(rulesToAST(at.shared, action, subject), subject, alias, paramPrefix, bound);
    byQuestion.set(key, fragment);
  }
  return { sql: fragment.sql, params: bindInstant(fragment.params, at.now) };
}

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
    return abilitySql(ability, 'read', subject, alias, paramPrefix, bound);
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
