import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { ClientRequest, IncomingMessage, request as httpRequest, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { Injectable, Logger } from '@nestjs/common';
import ipaddr from 'ipaddr.js';
import { AuditService } from '../../audit/audit.service';
import { AppConfig } from '../../config/app-config';
import { ConnectionErrorCode, ConnectionException } from './connection.exception';

/** The precise cause of a failed fetch: audited and logged, never shown to the caller. */
export type MetadataFetchReason =
  | 'bad_url'
  | 'scheme_refused'
  | 'address_refused'
  | 'dns_failed'
  | 'connect_failed'
  | 'timeout'
  | 'too_many_redirects'
  | 'http_status'
  | 'bad_encoding'
  | 'too_large'
  | 'network_error';

/** One message for every kind of fetch failure, so a caller cannot map ports or hosts. */
export const METADATA_FETCH_FAILED_MESSAGE = 'The metadata URL could not be fetched.';

export class MetadataFetchException extends ConnectionException {
  constructor(
    readonly reason: MetadataFetchReason,
    readonly detail: string,
  ) {
    super(ConnectionErrorCode.METADATA_FETCH_FAILED, METADATA_FETCH_FAILED_MESSAGE);
  }
}

/** Who asked for the fetch, for the audit log. */
export interface MetadataFetchContext {
  purpose: 'import' | 'refresh';
  organizationId?: string | null;
  connectionId?: string | null;
}

export const METADATA_MAX_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 3;
const CONNECT_TIMEOUT_MS = 5_000;
const ACCEPT = 'application/samlmetadata+xml, application/xml, text/xml';

interface Pinned {
  address: string;
  family: 4 | 6;
}

/**
 * Fetches IdP metadata from a URL given by an administrator without letting it reach
 * inside: https only in production; every host resolved and every address checked
 * (loopback, private, link-local, unique-local, multicast, CGNAT, IPv4-mapped and other
 * special ranges refused unless the host is in METADATA_FETCH_ALLOW_HOSTS); the socket
 * pinned to the address that was checked; redirects followed by hand, each hop checked
 * again; the body streamed and capped after decompression; connect and total timeouts.
 */
@Injectable()
export class MetadataFetcher {
  private readonly logger = new Logger(MetadataFetcher.name);

  constructor(
    private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  async fetch(url: string, context: MetadataFetchContext = { purpose: 'import' }): Promise<string> {
    const deadline = Date.now() + this.config.metadataFetchTimeoutSeconds * 1000;
    let current = url;
    try {
      for (let hop = 0; ; hop++) {
        const target = this.checkUrl(current);
        const pinned = await this.resolve(target);
        const outcome = await this.get(target, pinned, deadline);
        if (outcome.kind === 'body') return outcome.body;
        if (hop >= MAX_REDIRECTS)
          throw new MetadataFetchException('too_many_redirects', `more than ${MAX_REDIRECTS} redirects`);
        current = new URL(outcome.location, target).toString();
      }
    } catch (error) {
      const refusal =
        error instanceof MetadataFetchException
          ? error
          : new MetadataFetchException('network_error', (error as Error).message);
      this.logger.warn(
        `metadata fetch refused (${refusal.reason}) for ${redact(url)}${current !== url ? ` at ${redact(current)}` : ''}: ${refusal.detail}`,
      );
      await this.audit.recordQuietly({
        action: 'connection.metadata.fetch',
        outcome: 'FAILURE',
        subjectType: context.connectionId ? 'IdpConnection' : 'Organization',
        subjectId: context.connectionId ?? context.organizationId ?? null,
        reason: refusal.reason,
        details: {
          purpose: context.purpose,
          url: redact(url),
          at: redact(current),
          detail: refusal.detail.slice(0, 300),
        },
      });
      throw refusal;
    }
  }

  private checkUrl(value: string): URL {
    let url: URL;
    try {
      url = new URL(value.trim());
    } catch {
      throw new MetadataFetchException('bad_url', 'not a URL');
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && !this.config.isProduction)) {
      throw new MetadataFetchException(
        'scheme_refused',
        `${url.protocol} is not allowed${this.config.isProduction ? ' in production' : ''}`,
      );
    }
    if (url.username || url.password) throw new MetadataFetchException('bad_url', 'credentials in the URL');
    return url;
  }

  /** Resolves the host and checks every address it has; returns the one to connect to. */
  private async resolve(url: URL): Promise<Pinned> {
    const host = hostOf(url);
    const allowed = this.config.metadataFetchAllowHosts.includes(host);
    let addresses: LookupAddress[];
    if (isIP(host)) {
      addresses = [{ address: host, family: isIP(host) }];
    } else {
      try {
        addresses = await lookupAll(host);
      } catch (error) {
        throw new MetadataFetchException(
          'dns_failed',
          `${host}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        );
      }
      if (addresses.length === 0) throw new MetadataFetchException('dns_failed', `${host}: no address`);
    }
    if (!allowed) {
      const refused = addresses
        .map((a) => ({ a: a.address, why: refusedRange(a.address) }))
        .filter((x) => x.why !== null);
      if (refused.length > 0)
        throw new MetadataFetchException(
          'address_refused',
          `${host} resolves to ${refused.map((r) => `${r.a} (${r.why})`).join(', ')}`,
        );
    }
    const first = addresses[0];
    return { address: first.address, family: first.family === 6 ? 6 : 4 };
  }

  /** One GET on the pinned address: a body, or a redirect to check and follow. */
  private get(
    url: URL,
    pinned: Pinned,
    deadline: number,
  ): Promise<{ kind: 'body'; body: string } | { kind: 'redirect'; location: string }> {
    return new Promise((resolve, reject) => {
      let settled = false;
      let request: ClientRequest | null = null;
      let response: IncomingMessage | null = null;
      let decoder: Readable | null = null;
      const timers: NodeJS.Timeout[] = [];
      const finish = (
        error: MetadataFetchException | null,
        value?: { kind: 'body'; body: string } | { kind: 'redirect'; location: string },
      ): void => {
        if (settled) return;
        settled = true;
        timers.forEach((t) => clearTimeout(t));
        if (error) {
          decoder?.destroy();
          response?.destroy();
          request?.destroy();
          reject(error);
        } else {
          resolve(value!);
        }
      };
      const remaining = deadline - Date.now();
      if (remaining <= 0) return finish(new MetadataFetchException('timeout', 'total time limit reached'));
      timers.push(
        setTimeout(() => finish(new MetadataFetchException('timeout', 'total time limit reached')), remaining),
      );

      const options: RequestOptions & { servername?: string } = {
        method: 'GET',
        protocol: url.protocol,
        hostname: hostOf(url),
        port: url.port || (url.protocol === 'https:' ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        headers: {
          Accept: ACCEPT,
          'Accept-Encoding': 'gzip, deflate, br',
          'User-Agent': 'Passerelle metadata fetcher',
        },
        agent: false,
        // The address checked above is the one connected to: no second resolution to rebind.
        lookup: ((_host: string, opts: { all?: boolean }, callback: (...args: unknown[]) => void) => {
          if (opts?.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
          else callback(null, pinned.address, pinned.family);
        }) as RequestOptions['lookup'],
      };
      if (url.protocol === 'https:' && !isIP(hostOf(url))) options.servername = hostOf(url);
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      try {
        request = send(options);
      } catch (error) {
        return finish(new MetadataFetchException('network_error', (error as Error).message));
      }
      request.on('socket', (socket: Socket) => {
        const connectTimer = setTimeout(
          () => finish(new MetadataFetchException('timeout', 'connect time limit reached')),
          Math.min(CONNECT_TIMEOUT_MS, remaining),
        );
        timers.push(connectTimer);
        socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        const refused = ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH'].includes(error.code ?? '');
        finish(
          new MetadataFetchException(
            refused ? 'connect_failed' : 'network_error',
            `${error.code ?? ''} ${error.message}`.trim(),
          ),
        );
      });
      request.on('response', (res: IncomingMessage) => {
        response = res;
        const status = res.statusCode ?? 0;
        if ([301, 302, 303, 307, 308].includes(status)) {
          const location = res.headers.location;
          res.resume();
          if (!location) return finish(new MetadataFetchException('http_status', `${status} without Location`));
          return finish(null, { kind: 'redirect', location });
        }
        if (status < 200 || status >= 300) {
          res.resume();
          return finish(new MetadataFetchException('http_status', `answered ${status}`));
        }
        const declared = Number(res.headers['content-length'] ?? NaN);
        if (Number.isFinite(declared) && declared > METADATA_MAX_BYTES)
          return finish(new MetadataFetchException('too_large', `Content-Length ${declared}`));
        let body: Readable;
        try {
          body = decoded(res);
        } catch (error) {
          return finish(error as MetadataFetchException);
        }
        decoder = body;
        const chunks: Buffer[] = [];
        let wire = 0;
        let size = 0;
        const tooLarge = (): void =>
          finish(new MetadataFetchException('too_large', `more than ${METADATA_MAX_BYTES} bytes`));
        res.on('data', (chunk: Buffer) => {
          wire += chunk.length;
          if (wire > METADATA_MAX_BYTES) tooLarge();
        });
        body.on('data', (chunk: Buffer) => {
          if (settled) return;
          size += chunk.length;
          if (size > METADATA_MAX_BYTES) {
            body.destroy();
            return tooLarge();
          }
          chunks.push(chunk);
        });
        body.on('error', (error: Error) =>
          finish(new MetadataFetchException(body === res ? 'network_error' : 'bad_encoding', error.message)),
        );
        res.on('aborted', () => finish(new MetadataFetchException('network_error', 'response aborted')));
        body.on('end', () => finish(null, { kind: 'body', body: Buffer.concat(chunks).toString('utf8') }));
      });
      request.end();
    });
  }
}

/** The response body, decompressed as its Content-Encoding says (one coding at most). */
function decoded(res: IncomingMessage): Readable {
  const coding = String(res.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  const stream =
    coding === 'gzip' || coding === 'x-gzip'
      ? createGunzip()
      : coding === 'deflate'
        ? createInflate()
        : coding === 'br'
          ? createBrotliDecompress()
          : coding === 'identity' || coding === ''
            ? null
            : undefined;
  if (stream === undefined) throw new MetadataFetchException('bad_encoding', `Content-Encoding ${coding.slice(0, 40)}`);
  if (stream === null) return res;
  res.pipe(stream);
  res.on('error', (error) => stream.destroy(error));
  return stream;
}

function hostOf(url: URL): string {
  return url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

function lookupAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );
}

/**
 * Why an address may not be fetched from, or null when it is ordinary public unicast.
 * Anything ipaddr.js does not class as unicast is refused, and so is what embeds an IPv4
 * address in IPv6 (mapped, compatible, NAT64, 6to4, Teredo) or sits in the ::/8 block.
 */
export function refusedRange(address: string): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return 'unparsable';
  }
  const range = parsed.range();
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return `ipv4Mapped:${refusedRange(v6.toIPv4Address().toString()) ?? 'unicast'}`;
    if (range === 'unicast' && v6.parts[0] === 0) return 'reserved (::/8, IPv4-compatible)';
  }
  return range === 'unicast' ? null : range;
}

/** A URL fit for a log line: no credentials, no query string. */
function redact(value: string): string {
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}${url.pathname}`.slice(0, 200);
  } catch {
    return value.slice(0, 100);
  }
}
