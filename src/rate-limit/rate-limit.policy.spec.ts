import { PATH_METADATA } from '@nestjs/common/constants';
import { DemoIdpController } from '../dev/demo-idp/demo-idp.controller';
import { SamlController } from '../sso/saml/saml.controller';
import { clientKeyOf, routeClassOf } from './rate-limit.policy';

/** Every route a controller serves, with its parameters filled in. */
function routesOf(controller: new (...args: never[]) => unknown): string[] {
  const base = String(Reflect.getMetadata(PATH_METADATA, controller));
  const proto = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(proto)
    .map((name) => Reflect.getMetadata(PATH_METADATA, proto[name] as object) as string | undefined)
    .filter((path): path is string => path !== undefined)
    .map((path) => `/${[base, path].filter((p) => p && p !== '/').join('/')}`.replace(/:[a-z]+/gi, 'x'));
}

describe('routeClassOf', () => {
  it.each([
    ['SamlController', SamlController],
    ['DemoIdpController', DemoIdpController],
  ])('puts every route of %s under the sign-in limit', (_name, controller) => {
    const routes = routesOf(controller as never);
    expect(routes.length).toBeGreaterThanOrEqual(5);
    for (const route of routes) expect({ route, kind: routeClassOf(route) }).toEqual({ route, kind: 'sign_in' });
  });

  it('sees a sign-in route through any spelling the router accepts', () => {
    for (const path of ['/AUTH/discover', '//auth//saml/x/acs', '/Demo-IdP', '/auth', '/auth/'])
      expect(routeClassOf(path)).toBe('sign_in');
  });

  it('tells GraphQL from the rest, and does not take look-alikes for sign-in routes', () => {
    expect(routeClassOf('/graphql')).toBe('graphql');
    expect(routeClassOf('/GraphQL/')).toBe('graphql');
    expect(routeClassOf('//graphql/x')).toBe('graphql');
    for (const path of ['/authx', '/metrics', '/', '/graphqlx', '/demo-idpx']) expect(routeClassOf(path)).toBe('other');
  });
});

describe('clientKeyOf', () => {
  it('keys IPv4 as is, IPv4-mapped IPv6 as IPv4, and IPv6 by its /64', () => {
    expect(clientKeyOf('203.0.113.9')).toBe('ip:203.0.113.9');
    expect(clientKeyOf('::ffff:203.0.113.9')).toBe('ip:203.0.113.9');
    expect(clientKeyOf('2001:db8:1:2:3:4:5:6')).toBe(clientKeyOf('2001:db8:1:2:ffff::1'));
    expect(clientKeyOf('2001:db8:1:2::1')).not.toBe(clientKeyOf('2001:db8:1:3::1'));
    expect(clientKeyOf(undefined)).toBe('ip:unknown');
  });
});
