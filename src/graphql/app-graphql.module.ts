import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { servePrefetched } from './prefetched';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { HeaderMap } from '@apollo/server';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module, OnApplicationBootstrap } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { ModuleRef } from '@nestjs/core';
import { GraphQLError } from 'graphql';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { AuthenticationService } from '../auth/authentication.service';
import { AuthenticatedRequest, GraphqlContext } from '../auth/request-context';
import { AuditService } from '../audit/audit.service';
import { DATABASE_FAULT_MESSAGES, DATABASE_FAULT_RETRY_AFTER_SECONDS, databaseFaultOf } from '../common/database-fault';
import { DomainException, httpStatusOf } from '../common/domain.exception';
import { AppConfig } from '../config/app-config';
import { CompiledExecution } from './compiled-execution';
import { codeOfKind, formatGraphqlError, noteRequestOf } from './graphql-error.formatter';
import { NodeRegistryModule } from './node-registry';
import { operationObservationPlugin } from './operation-observation.plugin';
import { observationOf } from '../observability/request-observation';
import { NodeResolver } from './node.resolver';
import { RequestGate } from './request-gate.plugin';
import { carriesCheck } from './carried-check';
import { principalCheckPlugin } from './principal-check.plugin';
import { SERVICE_UNAVAILABLE, serviceUnavailablePlugin } from './service-unavailable.plugin';
import { limitSocketFrames, SubscriptionSockets, SubscriptionSocketsModule } from './subscription-server';

/**
 * Every GraphQL operation needs a caller: they are identified before the document is even
 * parsed, so an anonymous request costs one credential check and is refused (HTTP 401).
 */
async function refusingAtTheDoor(req: AuthenticatedRequest, check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (error) {
    const fault = databaseFaultOf(error);
    if (fault) {
      observationOf(req).errorCodes = [SERVICE_UNAVAILABLE];
      throw new GraphQLError(DATABASE_FAULT_MESSAGES[fault], {
        extensions: {
          code: SERVICE_UNAVAILABLE,
          reason: fault,
          http: {
            status: 503,
            headers: new HeaderMap([['retry-after', String(DATABASE_FAULT_RETRY_AFTER_SECONDS)]]),
          },
        },
      });
    }
    if (!(error instanceof DomainException)) throw error;
    const code = codeOfKind(error.kind);
    // Refused before Apollo runs its plugins: noted here for the log line and the error metrics.
    observationOf(req).errorCodes = [code];
    throw new GraphQLError(error.message, {
      extensions: { code, http: { status: httpStatusOf(error.kind) } },
    });
  }
}

/** Apollo options built from the validated configuration and the services requests need. */
export function graphqlOptions(
  config: AppConfig,
  authentication: AuthenticationService,
  audit: AuditService,
  sockets?: SubscriptionSockets,
): ApolloDriverConfig {
  const gate = new RequestGate(
    {
      maxDepth: config.graphqlMaxDepth,
      maxAliases: config.graphqlMaxAliases,
      maxRootFields: config.graphqlMaxRootFields,
      maxComplexity: config.graphqlMaxComplexity,
    },
    config.graphqlMaxTokens,
    audit,
  );
  const execution = new CompiledExecution();
  return {
    driver: ApolloDriver,
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    playground: false,
    introspection: !config.isProduction,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    formatError: formatGraphqlError,
    // Our statuses stand: a refusal in the context is its 4xx, a database fault a 503
    // (serviceUnavailablePlugin); otherwise Apollo answers 200 with the errors.
    preserveHttpStatusForExecutionErrors: false,
    // Parsing stops at this many tokens: no document costs more than that to parse.
    parseOptions: { maxTokens: config.graphqlMaxTokens },
    // The driver types plugins against its own copy of @apollo/server's types.
    plugins: [
      gate.plugin(),
      operationObservationPlugin(),
      principalCheckPlugin(authentication),
      serviceUnavailablePlugin(),
      // Responses are per caller and never cached: cache hints would only wrap every field.
      ApolloServerPluginCacheControlDisabled(),
      // Apollo Sandbox at GET /graphql outside production; it loads its page from Apollo's CDN
      // and sends the session cookie (a Content-Security-Policy must allow both).
      config.isProduction
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: true }),
    ] as ApolloDriverConfig['plugins'],
    buildSchemaOptions: { dateScalarMode: 'isoDate' },
    // Lists hand their fields what their one statement fetched (prefetched.ts); operations run compiled.
    transformSchema: (schema) => execution.adopt(servePrefetched(schema)),
    // The driver's type leaves out the gateway option, which is how Apollo takes an executor.
    ...({ gateway: execution.gateway() } as object),
    // graphql-ws on the same path; the sockets authenticate and are re-checked (subscription-server.ts).
    ...(sockets ? { subscriptions: sockets.options(gate) } : {}),
    context: async ({ req, res }: { req: AuthenticatedRequest; res: Response }): Promise<GraphqlContext> => {
      req.requestId ??= randomUUID();
      try {
        // A cached principal is proven by the query's own first statement when it can be (carried-check.ts).
        await refusingAtTheDoor(req, () =>
          authentication.authenticate(req, () => carriesCheck(req, config.graphqlMaxTokens)),
        );
        try {
          await gate.checkSource(req);
        } catch (error) {
          // A refused document is answered to a caller proven current, or the answer is their 401.
          await refusingAtTheDoor(req, () => authentication.settle(req));
          throw error;
        }
      } catch (error) {
        noteRequestOf(error, req.requestId);
        throw error;
      }
      return { req, res, loaders: new Map() };
    },
  };
}

@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      imports: [SubscriptionSocketsModule],
      inject: [AppConfig, AuthenticationService, AuditService, SubscriptionSockets],
      useFactory: (
        config: AppConfig,
        authentication: AuthenticationService,
        audit: AuditService,
        sockets: SubscriptionSockets,
      ) => graphqlOptions(config, authentication, audit, sockets),
    }),
    NodeRegistryModule,
  ],
  providers: [NodeResolver],
})
export class AppGraphqlModule implements OnApplicationBootstrap {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const graphql = this.moduleRef.get(GraphQLModule, { strict: false });
    limitSocketFrames(graphql.graphQlAdapter, this.config.graphqlMaxBodyBytes);
  }
}
