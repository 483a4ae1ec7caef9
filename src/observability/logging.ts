import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { DestinationStream, LoggerOptions } from 'pino';
import type { AppConfig } from '../config/app-config';
import { observationOf } from './request-observation';
import { poolWorkerId } from './worker-pool';
import type { Request, RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';

/** Query parameters whose values never reach a log line. */
const SECRET_QUERY_KEYS = /^(samlresponse|samlrequest|signature|token|access_token|code|password|relaystate)$/i;

/**
 * Secrets a free-text message might carry: API tokens, passwords in URLs, SAML messages
 * in a query string. Applied to every string logged, whoever logs it.
 */
export function scrubSecrets(text: string): string {
  return text
    .replace(/psl_[A-Za-z0-9_-]+/g, 'psl_[REDACTED]')
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, '$1[REDACTED]@')
    .replace(/\b(SAMLResponse|SAMLRequest|Signature)=[^&\s"]+/g, '$1=[REDACTED]');
}

/** The path, and the query with secret values replaced. */
function safeUrl(url: string | undefined): string {
  if (!url) return '';
  const at = url.indexOf('?');
  if (at < 0) return scrubSecrets(url);
  const query = url
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const key = decodeURIComponentSafe(pair.split('=')[0]);
      return SECRET_QUERY_KEYS.test(key) ? `${pair.split('=')[0]}=[REDACTED]` : pair;
    })
    .join('&');
  return scrubSecrets(`${url.slice(0, at)}?${query}`);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const PROBES = new Set(['/health/live', '/health/ready']);

/** pino's own options: level, what is never printed, and the scrubbing of free text. */
export function pinoOptions(config: AppConfig): LoggerOptions {
  return {
    level: config.logLevel,
    base: withWorker({ service: 'passerelle' }),
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: { level: (label) => ({ level: label }) },
    // Belt and braces: the serializers below print no header at all.
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        'headers.authorization',
        'headers.cookie',
        '*.SAMLResponse',
        '*.SAMLRequest',
        '*.password',
        '*.token',
      ],
      censor: '[REDACTED]',
    },
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((arg) => (typeof arg === 'string' ? scrubSecrets(arg) : arg)) as Parameters<typeof method>,
        );
      },
    },
  };
}

/** A pool's worker (WORKERS > 1) says which it is in every line. */
function withWorker(base: Record<string, unknown>): Record<string, unknown> {
  const worker = poolWorkerId();
  return worker === null ? base : { ...base, worker };
}

/**
 * The Nest logger's parameters (main.ts gives them to nestjs-pino's Logger): pino's options,
 * on `destination`.
 */
export function loggerParams(config: AppConfig, destination?: DestinationStream): Params {
  const options = pinoOptions(config);
  return { pinoHttp: destination ? [options, destination] : options } as Params;
}

/**
 * One JSON line per request (pino-http), with the request id app.factory gave it (the same
 * as the X-Request-Id header and the audit events' request_id), the GraphQL operation name,
 * status and duration. Bodies and headers are never printed. Successful health probes are
 * not logged (a load balancer asks every few seconds).
 *
 * Mounted as plain middleware, not through nestjs-pino's LoggerModule: that module runs every
 * request inside an AsyncLocalStorage, and on Node 20 an AsyncLocalStorage in use installs
 * promise hooks that every promise of the process pays for (about a tenth of `me`'s
 * CPU). Lines written during a request say which request where it matters: errors carry the
 * request id in their text (graphql/operation-observation.plugin.ts, common/http-exception.filter.ts).
 */
export function requestLogging(config: AppConfig, destination: DestinationStream): RequestHandler {
  return pinoHttp(
    {
      ...pinoOptions(config),
      genReqId: (req: IncomingMessage) => (req as IncomingMessage & { requestId?: string }).requestId ?? 'none',
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
      serializers: {
        req: (req: { method?: string; url?: string; raw?: IncomingMessage }) => ({
          method: req.method,
          url: safeUrl((req.raw as (IncomingMessage & { originalUrl?: string }) | undefined)?.originalUrl ?? req.url),
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (req: IncomingMessage, res: ServerResponse, error?: Error) => {
        if (error || res.statusCode >= 500) return 'error';
        if (PROBES.has((req.url ?? '').split('?')[0]) && res.statusCode < 400) return 'silent';
        return 'info';
      },
      customSuccessMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${res.statusCode}`,
      customErrorMessage: (req: IncomingMessage, res: ServerResponse) => `${req.method} ${res.statusCode}`,
      customSuccessObject: (req: IncomingMessage, _res: ServerResponse, value: object) => withOperation(req, value),
      customErrorObject: (req: IncomingMessage, _res: ServerResponse, _error: Error, value: object) =>
        withOperation(req, value),
    },
    destination,
  ) as unknown as RequestHandler;
}

function withOperation(req: IncomingMessage, value: object): object {
  const observed = observationOf(req as Request);
  if (observed.operationName === undefined && observed.errorCodes === undefined) return value;
  return { ...value, operation: observed.operationName ?? null, errorCodes: observed.errorCodes };
}
