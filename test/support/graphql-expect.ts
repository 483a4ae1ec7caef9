import { expect } from '@jest/globals';
import type { GqlResponse } from './test-app';

// The safe pattern made the easy one: check what kind of answer came back before
// reading anything in it. A negative assertion on a response that may be an error
// ("Kickoff is not in the feed") passes just as well when the request was refused.

type GqlError = NonNullable<GqlResponse['body']['errors']>[number];

/** Asserts a successful GraphQL answer (HTTP 200, no errors, data present) and returns its data. */
export function expectData<T = any>(res: GqlResponse): T {
  expect({ status: res.status, errors: res.body.errors }).toEqual({ status: 200, errors: undefined });
  expect(res.body.data).toEqual(expect.any(Object));
  return res.body.data as T;
}

/**
 * Asserts a refusal: every error carries `code`, and no root field returned anything
 * (data absent, null, or every root field null). Returns the errors.
 */
export function expectError(res: GqlResponse, code: string): GqlError[] {
  const errors = res.body.errors;
  if (!errors?.length) throw new Error(`expected a ${code} refusal, got ${res.status} ${JSON.stringify(res.body)}`);
  expect(errors.map((e) => e.extensions?.code)).toEqual(errors.map(() => code));
  const data: Record<string, unknown> | null | undefined = res.body.data;
  if (data !== null && data !== undefined) expect(Object.values(data).filter((v) => v !== null)).toEqual([]);
  return errors;
}
