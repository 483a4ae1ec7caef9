import { BadRequestException, HttpException, Logger } from '@nestjs/common';
import { SamlErrorCode, SamlException } from '../sso/saml/saml.exception';
import { errorBody, httpErrorOf, UNEXPECTED_ERROR_MESSAGE } from './http-exception.filter';

describe('httpErrorOf: one mapping from errors to HTTP answers', () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));

  it('answers any unexpected error with a 500, a generic message and a request id', () => {
    for (const error of [
      new Error('secret detail'),
      new RangeError('Maximum call stack size exceeded'),
      'a string',
      null,
      new HttpException('upstream down', 503),
    ]) {
      const answer = httpErrorOf(error);
      expect(answer).toMatchObject({
        status: 500,
        code: 'INTERNAL_SERVER_ERROR',
        message: UNEXPECTED_ERROR_MESSAGE,
        unexpected: true,
      });
      expect(answer.requestId).toEqual(expect.any(String));
      expect(JSON.stringify(errorBody(answer))).not.toMatch(/secret|stack/);
    }
  });

  it('keeps the request id the gateway gave the request', () => {
    const req = { requestId: 'req-1', method: 'POST', path: '/x', headers: {} } as never;
    expect(httpErrorOf(new Error('x'), req).requestId).toBe('req-1');
  });

  it("keeps a refusal's own status and code", () => {
    expect(httpErrorOf(new SamlException(SamlErrorCode.XML_TOO_DEEP))).toMatchObject({
      status: 400,
      code: 'XML_TOO_DEEP',
      unexpected: false,
    });
    expect(httpErrorOf(new SamlException(SamlErrorCode.BODY_TOO_LARGE))).toMatchObject({
      status: 413,
      code: 'BODY_TOO_LARGE',
    });
    expect(httpErrorOf(new SamlException(SamlErrorCode.LOGIN_STATE_MISMATCH))).toMatchObject({
      status: 401,
      code: 'LOGIN_STATE_MISMATCH',
    });
    expect(httpErrorOf(new BadRequestException('bad'))).toMatchObject({
      status: 400,
      code: 'BAD_USER_INPUT',
      message: 'bad',
    });
  });
});
