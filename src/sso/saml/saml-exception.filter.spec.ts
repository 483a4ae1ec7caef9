import { ArgumentsHost, Logger } from '@nestjs/common';
import { EXCEPTION_FILTERS_METADATA } from '@nestjs/common/constants';
import { SamlExceptionFilter } from './saml-exception.filter';
import { SamlController } from './saml.controller';
import { SamlErrorCode, SamlException } from './saml.exception';

/** A response that records what was sent. */
function fakeHttp(accept: 'html' | 'json') {
  const sent: { status?: number; type?: string; body?: unknown; headers: Record<string, string> } = { headers: {} };
  const res = {
    headersSent: false,
    status(code: number) {
      sent.status = code;
      return res;
    },
    setHeader(name: string, value: string) {
      sent.headers[name] = value;
      return res;
    },
    type(t: string) {
      sent.type = t;
      return res;
    },
    send(body: unknown) {
      sent.body = body;
      return res;
    },
    json(body: unknown) {
      sent.body = body;
      return res;
    },
  };
  const req = { method: 'POST', path: '/auth/saml/x/acs', headers: {}, accepts: () => accept };
  const host = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) } as unknown as ArgumentsHost;
  return { host, sent };
}

describe('SamlExceptionFilter: the SAML routes answer errors with the gateway-wide mapping', () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));

  it('is the filter of every SAML route', () => {
    expect(Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, SamlController)).toEqual([SamlExceptionFilter]);
  });

  it("keeps a refusal's status and code, as JSON or as a page", () => {
    const json = fakeHttp('json');
    new SamlExceptionFilter().catch(new SamlException(SamlErrorCode.LOGIN_STATE_MISMATCH), json.host);
    expect(json.sent).toMatchObject({
      status: 401,
      body: { error: { code: 'LOGIN_STATE_MISMATCH' } },
      headers: { 'Cache-Control': 'no-store' },
    });

    const html = fakeHttp('html');
    new SamlExceptionFilter().catch(new SamlException(SamlErrorCode.BODY_TOO_LARGE), html.host);
    expect(html.sent).toMatchObject({ status: 413, type: 'html' });
    expect(html.sent.body).toContain('<code>BODY_TOO_LARGE</code>');
  });

  it('shows a person the refusal in French first, then in English', () => {
    const html = fakeHttp('html');
    new SamlExceptionFilter().catch(new SamlException(SamlErrorCode.LOGIN_STATE_MISMATCH), html.host);
    const body = html.sent.body as string;
    const french = body.indexOf('<div lang="fr"><p>Cette connexion n’a pas été commencée dans ce navigateur.');
    const english = body.indexOf('<div lang="en"><p>This sign-in was not started in this browser.');
    expect({ french: french >= 0, english: english >= 0, frenchFirst: french < english }).toEqual({
      french: true,
      english: true,
      frenchFirst: true,
    });
  });

  it('answers an unexpected error with a generic 500 and a reference, never its detail', () => {
    const json = fakeHttp('json');
    new SamlExceptionFilter().catch(new Error('secret detail'), json.host);
    expect(json.sent).toMatchObject({
      status: 500,
      body: { error: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) } },
    });
    expect(JSON.stringify(json.sent.body)).not.toContain('secret');
  });
});
