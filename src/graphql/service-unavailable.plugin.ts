import type { ApolloServerPlugin } from '@apollo/server';
import { DATABASE_FAULT_RETRY_AFTER_SECONDS } from '../common/database-fault';

export const SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE';

/**
 * A response any of whose errors is SERVICE_UNAVAILABLE (the database did not answer) is a
 * 503 with Retry-After, not a 200: load balancers and clients retry it, and it is counted as
 * the outage it is. Refusals and bugs keep their status.
 */
export function serviceUnavailablePlugin(): ApolloServerPlugin {
  return {
    requestDidStart: async () => ({
      willSendResponse: async ({ response }) => {
        const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
        if (!errors?.some((e) => e.extensions?.code === SERVICE_UNAVAILABLE)) return;
        response.http.status = 503;
        response.http.headers.set('retry-after', String(DATABASE_FAULT_RETRY_AFTER_SECONDS));
      },
    }),
  };
}
