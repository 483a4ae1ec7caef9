import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { AuthenticatedRequest, GraphqlContext } from '../access/request-context';
import { AppConfig } from '../config/app-config';
import { ContentModule } from '../content/content.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SpacesModule } from '../spaces/spaces.module';
import { UsersModule } from '../users/users.module';
import { formatGraphqlError } from './graphql-error.formatter';
import { NodeResolver } from './node.resolver';
import { DEFAULT_PAGE_SIZE } from './pagination';
import { complexityLimit, depthLimit } from './query-limits';

/** Apollo options built from the validated configuration; also used to print the SDL. */
export function graphqlOptions(config: AppConfig): ApolloDriverConfig {
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
    validationRules: [depthLimit(config.graphqlMaxDepth)],
    // The driver types plugins against its own copy of @apollo/server's types.
    plugins: [
      complexityLimit(config.graphqlMaxComplexity, DEFAULT_PAGE_SIZE),
      // Responses are per caller and never cached: cache hints would only wrap every field.
      ApolloServerPluginCacheControlDisabled(),
      ...(config.isProduction ? [ApolloServerPluginLandingPageDisabled()] : []),
    ] as ApolloDriverConfig['plugins'],
    buildSchemaOptions: { dateScalarMode: 'isoDate' },
    context: ({ req, res }: { req: AuthenticatedRequest; res: Response }): GraphqlContext => {
      req.requestId ??= randomUUID();
      return { req, res, loaders: new Map() };
    },
  };
}

@Module({
  imports: [
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => graphqlOptions(config),
    }),
    OrganizationsModule,
    UsersModule,
    SpacesModule,
    ContentModule,
  ],
  providers: [NodeResolver],
})
export class AppGraphqlModule {}
