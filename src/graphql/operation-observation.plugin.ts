import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { GraphqlContext } from '../auth/request-context';
import { observationOf } from '../observability/request-observation';
import { noteRequestOf } from './graphql-error.formatter';

/**
 * Leaves the operation's name and its errors' codes on the request, where the request's
 * log line and the latency and error metrics read them when the response is over; and the
 * request's id on its errors, for the lines that log them.
 */
export function operationObservationPlugin(): ApolloServerPlugin<GraphqlContext> {
  return {
    requestDidStart: async ({ contextValue, request }) => {
      const observed = observationOf(contextValue.req);
      if (request.operationName) observed.operationName = request.operationName;
      return {
        didResolveOperation: async ({ operationName }) => {
          if (operationName) observed.operationName = operationName;
        },
        // Before Apollo formats them: an error's log line names its request.
        didEncounterErrors: async ({ errors }) => {
          for (const error of errors) noteRequestOf(error, contextValue.req.requestId);
        },
        willSendResponse: async ({ response }) => {
          const errors: readonly GraphQLFormattedError[] | undefined =
            response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          if (errors?.length) observed.errorCodes = errors.map((e) => codeOf(e));
        },
      };
    },
  };
}

/** The error's extensions.code, for refusals thrown before Apollo runs its plugins too. */
export function codeOf(error: { extensions?: Record<string, unknown> }): string {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}
