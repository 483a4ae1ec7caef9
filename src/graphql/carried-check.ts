import { Injectable } from '@nestjs/common';
import { Kind, parse } from 'graphql';
import { AuthenticationService } from '../auth/authentication.service';
import { pendingCheckOf, StalePrincipal } from '../auth/principal-check';
import { AuthenticatedRequest } from '../auth/request-context';
import { renewedViewer, Viewer } from './graphql-context.decorator';

/**
 * Root fields whose resolvers run through CarriedCheck: their first statement proves a cached
 * principal (checkedQuery), so a query made of one of them costs no statement for its caller.
 */
export const CHECK_CARRYING_ROOTS: ReadonlySet<string> = new Set(['feed', 'space', 'me', 'user', 'users']);

const VERDICTS_KEPT = 1000;
const SOURCE_KEPT_CHARS = 8_000;
const verdicts = new Map<string, boolean>();

/**
 * Whether the request is a GraphQL query whose one root field (besides `__typename`, without
 * directives) is in CHECK_CARRYING_ROOTS: then its cached principal may be proven by that
 * field's first statement instead of one of its own. Anything else, including what does not
 * parse, is proven before it runs.
 */
export function carriesCheck(req: AuthenticatedRequest, maxTokens: number): boolean {
  const body = req.body as { query?: unknown; operationName?: unknown } | undefined;
  const params = (req.query as Record<string, unknown> | undefined) ?? {};
  const source = typeof body?.query === 'string' ? body.query : params.query;
  const name = typeof body?.query === 'string' ? body.operationName : params.operationName;
  if (typeof source !== 'string' || source.length > SOURCE_KEPT_CHARS) return false;
  const operationName = typeof name === 'string' ? name : null;
  const key = `${operationName ?? ''}\u0000${source}`;
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    verdict = judge(source, operationName, maxTokens);
    if (verdicts.size >= VERDICTS_KEPT) verdicts.clear();
    verdicts.set(key, verdict);
  }
  return verdict;
}

function judge(source: string, operationName: string | null, maxTokens: number): boolean {
  let document;
  try {
    document = parse(source, { maxTokens });
  } catch {
    return false;
  }
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation =
    operationName === null
      ? operations.length === 1
        ? operations[0]
        : undefined
      : operations.find((o) => o.name?.value === operationName);
  if (!operation || operation.operation !== 'query') return false;
  const roots = operation.selectionSet.selections.filter(
    (s) => !(s.kind === Kind.FIELD && s.name.value === '__typename'),
  );
  if (roots.length !== 1) return false;
  const [root] = roots;
  return root.kind === Kind.FIELD && !root.directives?.length && CHECK_CARRYING_ROOTS.has(root.name.value);
}

/**
 * Runs a root field of CHECK_CARRYING_ROOTS for a caller whose principal may come from the
 * principal cache. Its answer, value or error, leaves only once the principal is proven
 * current: by the field's first statement (checkedQuery), or else by a statement of its own.
 * When the principal proves stale, what was built from it is dropped and the field runs again
 * on the caller's principal loaded afresh (or the request is refused, UNAUTHENTICATED, when
 * the credential no longer authenticates).
 */
@Injectable()
export class CarriedCheck {
  constructor(private readonly authentication: AuthenticationService) {}

  async run<T>(v: Viewer, body: (v: Viewer) => Promise<T>): Promise<T> {
    if (!pendingCheckOf(v.principal)) return body(v);
    const req = v.ctx.req;
    try {
      const value = await body(v);
      if (await this.authentication.proveCached(req)) return value;
    } catch (error) {
      if (!(error instanceof StalePrincipal) && (await this.authentication.proveCached(req))) throw error;
    }
    const principal = await this.authentication.renew(req);
    return body(renewedViewer(v.ctx, principal));
  }

  /** For a field about to answer without a statement: proves the principal first (StalePrincipal when stale). */
  async prove(v: Viewer): Promise<void> {
    if (!(await this.authentication.proveCached(v.ctx.req))) throw new StalePrincipal();
  }
}
