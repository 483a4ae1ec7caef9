import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { DenialService } from './denial.service';
import { GraphqlContext } from '../auth/request-context';

/**
 * Opens a denial batch for each GraphQL request and writes it before the response goes out;
 * if the connection closes first, when it closes.
 */
@Plugin()
export class DenialAuditPlugin implements ApolloServerPlugin<GraphqlContext> {
  constructor(private readonly denials: DenialService) {}

  async requestDidStart({
    contextValue,
  }: {
    contextValue: GraphqlContext;
  }): Promise<GraphQLRequestListener<GraphqlContext>> {
    const requestId = contextValue.req?.requestId;
    if (!requestId) return {};
    this.denials.begin(requestId);
    let ended: Promise<void> | null = null;
    const end = (): Promise<void> => (ended ??= this.denials.end(requestId));
    contextValue.res?.once('close', () => void end());
    return { willSendResponse: () => end() };
  }
}
