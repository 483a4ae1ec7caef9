import type { ApolloServerPlugin } from '@apollo/server';
import { AuthenticationService } from '../auth/authentication.service';
import { pendingCheckOf } from '../auth/principal-check';
import { GraphqlContext } from '../auth/request-context';
import { DATABASE_FAULT_MESSAGES, DATABASE_FAULT_RETRY_AFTER_SECONDS, databaseFaultOf } from '../common/database-fault';
import { DomainException, ErrorKind } from '../common/domain.exception';
import { SERVICE_UNAVAILABLE } from './service-unavailable.plugin';

/**
 * The last word on a request whose principal came from the principal cache (carried-check.ts):
 * - no answer leaves while its principal is unproven: when no root field proved it (one that
 *   failed before its first statement, say), it is proven here, and a caller whose credential
 *   no longer authenticates gets the refusal instead of the answer;
 * - a refusal found that late is the 401 it would have been at the door.
 */
export function principalCheckPlugin(authentication: AuthenticationService): ApolloServerPlugin<GraphqlContext> {
  return {
    requestDidStart: async () => ({
      willSendResponse: async ({ contextValue, response }) => {
        const req = contextValue.req;
        if (req.principal && pendingCheckOf(req.principal)) {
          try {
            await authentication.settle(req);
          } catch (error) {
            const fault = databaseFaultOf(error);
            if (fault) {
              response.body = {
                kind: 'single',
                singleResult: {
                  errors: [
                    {
                      message: DATABASE_FAULT_MESSAGES[fault],
                      extensions: { code: SERVICE_UNAVAILABLE, reason: fault },
                    },
                  ],
                },
              };
              response.http.status = 503;
              response.http.headers.set('retry-after', String(DATABASE_FAULT_RETRY_AFTER_SECONDS));
              return;
            }
            if (!(error instanceof DomainException) || error.kind !== ErrorKind.UNAUTHENTICATED) throw error;
            response.body = {
              kind: 'single',
              singleResult: { errors: [{ message: error.message, extensions: { code: 'UNAUTHENTICATED' } }] },
            };
          }
        }
        const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
        if (errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) response.http.status = 401;
      },
    }),
  };
}
