import { GraphQLSchemaHost } from '@nestjs/graphql';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import {
  getNamedType,
  GraphQLField,
  GraphQLInputType,
  GraphQLObjectType,
  isEnumType,
  isInputObjectType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import { IS_PUBLIC } from '../src/auth/public.decorator';
import { SMALL_WORLD } from './fixtures/small-world';
import { expectError } from './support/graphql-expect';
import { startTestApp, TestApp } from './support/test-app';

const MISSING = '5b0e1a63-8f5d-4c1e-9a36-0c0b7f9d2f11';

/** A value for a required argument: enough to reach the resolver's guard. */
function sample(type: GraphQLInputType): string {
  const named = getNamedType(type);
  if (isScalarType(named)) return named.name === 'Int' ? '1' : named.name === 'Boolean' ? 'true' : `"${MISSING}"`;
  if (isEnumType(named)) return named.getValues()[0].name;
  if (isInputObjectType(named)) {
    const fields = Object.values(named.getFields()).filter((f) => isNonNullType(f.type));
    return `{ ${fields.map((f) => `${f.name}: ${sample(f.type)}`).join(', ')} }`;
  }
  return 'null';
}

function operation(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const args = field.args.filter((a) => isNonNullType(a.type)).map((a) => `${a.name}: ${sample(a.type)}`);
  const named = getNamedType(field.type);
  const selection = isScalarType(named) || isEnumType(named) ? '' : ' { __typename }';
  return `${kind} { ${field.name}${args.length ? `(${args.join(', ')})` : ''}${selection} }`;
}

/**
 * Walks the schema: every root query and mutation refuses a caller without credentials
 * (the guard is global; only routes marked @Public() skip it, and those are listed here).
 */
describe('every entry point is guarded', () => {
  let t: TestApp;
  beforeAll(async () => {
    // With the demo IdP on, so that its controller (mounted only when enabled) is inspected too.
    t = await startTestApp({ DEMO_IDP: 'true' });
    await t.importWorld(SMALL_WORLD);
  });
  afterAll(() => t.close());

  it('refuses every root query and mutation to an anonymous caller', async () => {
    const { schema } = t.app.get(GraphQLSchemaHost);
    const roots: ['query' | 'mutation', GraphQLObjectType | null | undefined][] = [
      ['query', schema.getQueryType()],
      ['mutation', schema.getMutationType()],
    ];
    let checked = 0;
    for (const [kind, root] of roots) {
      for (const field of Object.values(root?.getFields() ?? {})) {
        const r = await t.gql(null, operation(kind, field));
        expect({ field: field.name, codes: r.body.errors?.map((e) => e.extensions.code) }).toEqual({
          field: field.name,
          codes: ['UNAUTHENTICATED'],
        });
        expectError(r, 'UNAUTHENTICATED');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('marks only the sign-in, demo IdP and health probe controllers public (and /metrics when enabled)', () => {
    const reflector = t.app.get(Reflector);
    const scanner = new MetadataScanner();
    const open: string[] = [];
    const wrappers = [...t.app.get(ModulesContainer).values()].flatMap((m) => [
      ...m.controllers.values(),
      ...m.providers.values(),
    ]);
    for (const wrapper of wrappers) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const classPublic = reflector.get<boolean>(IS_PUBLIC, metatype as Function);
      for (const method of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const handler = (instance as Record<string, Function>)[method];
        if (classPublic || reflector.get<boolean>(IS_PUBLIC, handler)) open.push((metatype as Function).name);
      }
    }
    expect([...new Set(open)].sort()).toEqual(['DemoIdpController', 'HealthController', 'SamlController']);
  });
});
