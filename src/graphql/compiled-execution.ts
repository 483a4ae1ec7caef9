import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import {
  DocumentNode,
  execute,
  ExecutionResult,
  getVariableValues,
  GraphQLError,
  GraphQLSchema,
  printSchema,
} from 'graphql';
import { CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;
type SchemaListener = Parameters<Gateway['onSchemaLoadOrUpdate']>[0];

/** A document's operation compiled, or the errors graphql-jit found instead. */
type Compiled = CompiledQuery | ExecutionResult;

/**
 * Executes operations with graphql-jit instead of graphql-js: each operation of a document is
 * compiled once into a function that walks the selection without graphql-js's per-field
 * bookkeeping (argument coercion, info objects, path lists), which was the gateway's largest
 * allocation on a list. Resolvers, scalars and the schema are the same; errors come back as an
 * ExecutionResult's errors, which Apollo reports and formats as it does graphql-js's.
 *
 * Apollo Server takes an executor only through its gateway interface, so this is one: it
 * hands Apollo the schema Nest built (set by `adopt`, the schema transform) and the executor.
 * Compiled operations are kept per parsed document: Apollo's document store holds one
 * DocumentNode per distinct query text (bounded), so they go when Apollo evicts the document.
 */
export class CompiledExecution {
  private schema: GraphQLSchema | undefined;
  private readonly compiled = new WeakMap<DocumentNode, Map<string, Compiled>>();

  /** The schema every operation runs against: the last step of the schema's transform. */
  adopt(schema: GraphQLSchema): GraphQLSchema {
    this.schema = schema;
    return schema;
  }

  gateway(): Gateway {
    const listeners = new Set<SchemaListener>();
    return {
      onSchemaLoadOrUpdate: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      load: async () => {
        const apiSchema = this.built();
        for (const listener of listeners) listener({ apiSchema, coreSupergraphSdl: printSchema(apiSchema) });
        return { executor: this.executor };
      },
      stop: async () => listeners.clear(),
    };
  }

  private readonly executor: Executor = async ({ document, operation, operationName, request, context }) => {
    const schema = this.built();
    const variableValues = request.variables ?? {};
    // Mutations (and anything else) run as before: reads are where execution costs.
    if (operation.operation !== 'query')
      return execute({ schema, document, operationName, contextValue: context, variableValues });
    // Variables are checked the way graphql-js checks them, so a bad one is the same
    // BAD_USER_INPUT (HTTP 400) with the same message; graphql-jit then coerces them again.
    const checked = getVariableValues(schema, operation.variableDefinitions ?? [], variableValues, { maxErrors: 50 });
    if (checked.errors) return { errors: checked.errors };
    const compiled = this.compile(document, operationName);
    const result = isCompiledQuery(compiled) ? await compiled.query(undefined, context, variableValues) : compiled;
    return result.errors ? { ...result, errors: result.errors.map(asGraphqlJsError) } : result;
  };

  private compile(document: DocumentNode, operationName: string | null): Compiled {
    let byOperation = this.compiled.get(document);
    if (!byOperation) this.compiled.set(document, (byOperation = new Map()));
    const key = operationName ?? '';
    let compiled = byOperation.get(key);
    if (!compiled) {
      compiled = compileQuery(this.built(), document, operationName ?? undefined);
      byOperation.set(key, compiled);
    }
    return compiled;
  }

  private built(): GraphQLSchema {
    if (!this.schema) throw new Error('the GraphQL schema is not built yet');
    return this.schema;
  }
}

/**
 * graphql-jit's error as graphql-js would have built it: its own class leaves `extensions`
 * undefined when the thrown error has none, which Apollo's error formatting cannot read.
 */
function asGraphqlJsError(error: GraphQLError): GraphQLError {
  const { originalError, path, extensions } = error;
  // As graphql-js does, extensions default to those of the error the resolver threw.
  const rebuilt = new GraphQLError(error.message, { path, originalError: originalError ?? undefined, extensions });
  // The locations graphql-jit computed from the field nodes it no longer holds.
  Object.defineProperty(rebuilt, 'locations', { value: error.locations, enumerable: error.locations !== undefined });
  return rebuilt;
}
