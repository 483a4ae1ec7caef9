import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { DocumentNode, GraphQLError, parse } from 'graphql';
import { AuthenticatedRequest, GraphqlContext } from '../auth/request-context';
import { AuditService } from '../audit/audit.service';
import { DomainException, ErrorKind } from '../common/domain.exception';
import { checkShape, hasNulCharacter, operationCost, QueryRefusal, RefusalReason, ShapeLimits } from './query-limits';

/** Sources whose shape checkSource remembers, and the longest it keeps (a client's documents repeat). */
const SHAPES_KEPT = 1000;
const SOURCE_KEPT_CHARS = 8_000;

export interface GateLimits extends ShapeLimits {
  maxComplexity: number;
}

/** The audit reason of a client error, or null for errors audited elsewhere (denials, sign-in). */
function reasonOf(error: GraphQLError): string | null {
  if (error instanceof QueryRefusal) return error.reason;
  const original = unwrapResolverError(error);
  if (original instanceof QueryRefusal) return original.reason;
  if (original instanceof DomainException)
    return original.kind === ErrorKind.BAD_USER_INPUT ? String(original.code).toLowerCase() : null;
  switch (error.extensions?.code) {
    case 'GRAPHQL_PARSE_FAILED':
      return 'parse_failed';
    case 'GRAPHQL_VALIDATION_FAILED':
      return 'invalid_document';
    case 'BAD_USER_INPUT':
    case 'OPERATION_RESOLUTION_FAILURE':
    case 'BAD_REQUEST':
      return 'bad_input';
    default:
      return null;
  }
}

/** The GraphQL source of a request, as Apollo will read it (POST body or GET query string). */
function sourceOf(req: AuthenticatedRequest): string | null {
  const body = req.body as { query?: unknown } | undefined;
  if (typeof body?.query === 'string') return body.query;
  const query = (req.query as Record<string, unknown> | undefined)?.query;
  return typeof query === 'string' ? query : null;
}

/**
 * Bounds on what a document may cost, checked after the caller is known (the context
 * refuses anonymous callers before anything is parsed) and before graphql-js spends time
 * on the document: its shape right after a bounded parse, before validation; its estimated
 * price before execution. Each request's client errors are audited once, as one
 * `graphql.refused` event.
 */
export class RequestGate {
  /** What checkSource found for recent sources: the same document is measured once, not per request. */
  private readonly shapes = new Map<string, { reason: RefusalReason; message: string } | null>();

  constructor(
    readonly limits: GateLimits,
    private readonly maxTokens: number,
    private readonly audit: AuditService,
  ) {}

  /**
   * From the context function, where a thrown GraphQLError keeps its HTTP status: a
   * document of the wrong shape is refused before Apollo validates it. What does not
   * parse is left to Apollo, which reports it as it does every syntax error.
   */
  async checkSource(req: AuthenticatedRequest): Promise<void> {
    const source = sourceOf(req);
    if (source === null) return;
    let found = this.shapes.get(source);
    if (found === undefined) {
      let document: DocumentNode;
      try {
        document = parse(source, { maxTokens: this.maxTokens });
      } catch {
        return;
      }
      const refusal = checkShape(document, this.limits);
      found = refusal ? { reason: refusal.reason, message: refusal.message } : null;
      if (this.shapes.size >= SHAPES_KEPT) this.shapes.clear();
      if (source.length <= SOURCE_KEPT_CHARS) this.shapes.set(source, found);
    }
    if (!found) return;
    await this.record(req, [found.reason]);
    throw new QueryRefusal(found.reason, found.message);
  }

  plugin(): ApolloServerPlugin<GraphqlContext> {
    return {
      requestDidStart: async ({ contextValue }) => {
        const req = contextValue.req;
        let audited = false;
        const record = async (reasons: string[], details: Record<string, unknown> = {}): Promise<void> => {
          if (audited || reasons.length === 0) return;
          audited = true;
          await this.record(req, reasons, details);
        };
        return {
          didResolveOperation: async ({ operation, document, schema, request }) => {
            // Subscriptions stream over graphql-ws (subscription-server.ts), never over HTTP.
            if (operation?.operation === 'subscription') {
              await record(['subscription_over_http']);
              throw new QueryRefusal(
                'subscription_over_http',
                'Subscriptions are served over WebSocket (graphql-ws) at /graphql',
              );
            }
            const variables = request.variables ?? {};
            if (hasNulCharacter(document, variables)) {
              throw new QueryRefusal('nul_character', 'Text arguments cannot contain NUL characters');
            }
            const cost = operation ? operationCost(schema, operation, document, variables) : 0;
            if (cost > this.limits.maxComplexity) {
              const shown = Math.min(cost, Number.MAX_SAFE_INTEGER);
              await record(['too_complex'], { cost: shown });
              throw new QueryRefusal(
                'too_complex',
                `Query is too complex (${shown}); the limit is ${this.limits.maxComplexity}`,
              );
            }
          },
          async didEncounterErrors({ errors }) {
            await record(errors.map(reasonOf).filter((r): r is string => r !== null));
          },
        };
      },
    };
  }

  private async record(
    req: AuthenticatedRequest,
    reasons: string[],
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await this.recordRefusal(
      {
        userId: req.principal?.userId,
        organizationId: req.principal?.organizationId,
        ip: req.ip,
        requestId: req.requestId,
      },
      reasons,
      details,
    );
  }

  /** One `graphql.refused` event; subscription sockets record their refused documents here too. */
  async recordRefusal(
    caller: { userId?: string; organizationId?: string; ip?: string | null; requestId?: string },
    reasons: string[],
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await this.audit.recordQuietly({
      action: 'graphql.refused',
      outcome: 'DENIED',
      actorId: caller.userId ?? null,
      actorOrganizationId: caller.organizationId ?? null,
      reason: reasons[0],
      requestId: caller.requestId ?? null,
      ip: caller.ip ?? null,
      details: { ...details, reasons: [...new Set(reasons)] },
    });
  }
}
