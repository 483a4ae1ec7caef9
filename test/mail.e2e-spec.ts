import { AddressInfo, createServer } from 'node:net';
import { SchedulerRegistry } from '@nestjs/schedule';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import { Locale } from '../src/common/domain.enums';
import { MAIL_BACKOFF_MINUTES, MAIL_MAX_ATTEMPTS, MailDispatcher } from '../src/mail/mail.dispatcher';
import { MailInput, MailService, MailTemplate } from '../src/mail/mail.service';
import { SMALL_WORLD } from './fixtures/small-world';
import { startTestApp, TestApp } from './support/test-app';

interface Received {
  to: string[];
  raw: string;
  subject: string;
  messageId: string;
}

/** A local SMTP server on a random port that keeps what it receives; `refuse` answers 451 for an address. */
async function startSmtp(): Promise<{
  port: number;
  received: Received[];
  refuse: Set<string>;
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const refuse = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address)) {
        const error = new Error('try again later') as Error & { responseCode: number };
        error.responseCode = 451;
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          subject: decodeHeader(header(raw, 'subject')),
          messageId: header(raw, 'message-id'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, refuse, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A header's value, unfolded. */
function header(raw: string, name: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name}:`));
  return line ? line.slice(name.length + 1).trim() : '';
}

/** RFC 2047 encoded words (B and Q, UTF-8), adjacent words joined before decoding. */
function decodeHeader(value: string): string {
  return value.replace(/(\?=)\s+(=\?)/g, '$1$2').replace(/((?:=\?utf-8\?[bq]\?[^?]*\?=)+)/gi, (words) => {
    const bytes: number[] = [];
    for (const [, kind, text] of words.matchAll(/=\?utf-8\?([bq])\?([^?]*)\?=/gi)) {
      if (kind.toLowerCase() === 'b') bytes.push(...Buffer.from(text, 'base64'));
      else
        for (let i = 0; i < text.length; i++) {
          if (text[i] === '_') bytes.push(0x20);
          else if (text[i] === '=') {
            bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
            i += 2;
          } else bytes.push(text.charCodeAt(i));
        }
    }
    return Buffer.from(bytes).toString('utf8');
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Row {
  id: string;
  status: string;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date;
  sent_at: Date | null;
  to_address: string;
}

const minutes = (n: number) => n * 60_000;

describe('mail through SMTP', () => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let ids: Record<string, string>;
  let mail: MailService;
  let dispatcher: MailDispatcher;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestApp({
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      MAIL_FROM: 'Passerelle <no-reply@host.test>',
      METRICS_ENABLED: 'true',
    });
    ids = await t.importWorld(SMALL_WORLD);
    mail = t.app.get(MailService);
    dispatcher = t.app.get(MailDispatcher);
    await t.dataSource.query(`UPDATE users SET locale = 'en' WHERE id = $1`, [ids.alice]);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });
  beforeEach(() => {
    smtp.received.length = 0;
    smtp.refuse.clear();
  });

  async function enqueue(...inputs: MailInput[]): Promise<void> {
    await mail.enqueue(t.dataSource.manager, inputs);
  }

  async function rows(where = 'true', params: unknown[] = []): Promise<Row[]> {
    return t.dataSource.query(`SELECT * FROM mail_messages WHERE ${where} ORDER BY created_at, id`, params);
  }

  it('sends each recipient the invitation in their language: French by default, English when chosen', async () => {
    const subjectId = '0b7a4b52-7a43-4c4b-8e2e-5a0c6f1f0a01';
    const params = {
      spaceName: 'Open lab',
      inviterName: 'Olga Owner',
      role: 'MEMBER',
      expiresAt: '2027-03-01T10:00:00Z',
      message: 'Bienvenue',
      link: 'https://passerelle.example/auth/welcome',
    };
    await enqueue(
      { to: { userId: ids.staff }, template: 'invitation', params, subjectType: 'Invitation', subjectId },
      { to: { userId: ids.alice }, template: 'invitation', params, subjectType: 'Invitation', subjectId },
      { to: { email: 'newcomer@bolt.test' }, template: 'invitation', params, subjectType: 'Invitation', subjectId },
    );
    const result = await dispatcher.dispatchDue(t.clock.now());
    expect(result).toEqual({ sent: 3, retried: 0, failed: 0, withdrawn: 0 });

    const byRecipient = Object.fromEntries(smtp.received.map((r) => [r.to.join(','), r]));
    expect(Object.keys(byRecipient).sort()).toEqual(['alice@acme.test', 'newcomer@bolt.test', 'staff@host.test']);
    expect(byRecipient['staff@host.test'].subject).toBe('Invitation à rejoindre l’espace « Open lab »');
    expect(byRecipient['newcomer@bolt.test'].subject).toBe('Invitation à rejoindre l’espace « Open lab »');
    expect(byRecipient['alice@acme.test'].subject).toBe('Invitation to join the space “Open lab”');
    expect(header(byRecipient['staff@host.test'].raw, 'from')).toContain('no-reply@host.test');

    const deliveries = await mail.deliveriesOf('Invitation', subjectId);
    expect(deliveries).toHaveLength(3);
    for (const d of deliveries)
      expect(d).toEqual(
        expect.objectContaining({
          template: 'invitation',
          status: 'SENT',
          attempts: 1,
          lastError: null,
          sentAt: expect.any(Date),
        }),
      );
    // Each message went with its outbox id as Message-ID.
    expect(smtp.received.map((r) => r.messageId).sort()).toEqual(deliveries.map((d) => `<${d.id}@passerelle>`).sort());

    const metrics = await request(t.http).get('/metrics');
    expect(metrics.text).toMatch(/^passerelle_mail_attempts_total\{outcome="sent"\} 3$/m);

    // Sent is sent: another run sends nothing again.
    expect(await dispatcher.dispatchDue(t.clock.now())).toEqual({ sent: 0, retried: 0, failed: 0, withdrawn: 0 });
    expect(smtp.received).toHaveLength(3);
  });

  it('retries a refused message later and then sends it, the attempts visible meanwhile', async () => {
    const subjectId = '0b7a4b52-7a43-4c4b-8e2e-5a0c6f1f0a02';
    const t0 = new Date('2030-01-01T09:00:00Z');
    t.clock.set(t0);
    try {
      smtp.refuse.add('flaky@bolt.test');
      await enqueue({
        to: { email: 'flaky@bolt.test', locale: Locale.EN },
        template: 'membership.revoked',
        params: { spaceName: 'Open lab' },
        subjectType: 'Membership',
        subjectId,
      });
      expect(await dispatcher.dispatchDue(t0)).toEqual({ sent: 0, retried: 1, failed: 0, withdrawn: 0 });
      let [d] = await mail.deliveriesOf('Membership', subjectId);
      expect(d).toEqual(
        expect.objectContaining({ status: 'PENDING', attempts: 1, lastError: expect.stringContaining('451') }),
      );
      expect(d.nextAttemptAt).toEqual(new Date(t0.getTime() + minutes(MAIL_BACKOFF_MINUTES[0])));

      // Not before it is due.
      smtp.refuse.clear();
      expect(await dispatcher.dispatchDue(new Date(t0.getTime() + minutes(0.5)))).toEqual({
        sent: 0,
        retried: 0,
        failed: 0,
        withdrawn: 0,
      });
      const due = new Date(t0.getTime() + minutes(MAIL_BACKOFF_MINUTES[0]));
      expect(await dispatcher.dispatchDue(due)).toEqual({ sent: 1, retried: 0, failed: 0, withdrawn: 0 });
      [d] = await mail.deliveriesOf('Membership', subjectId);
      expect(d).toEqual(expect.objectContaining({ status: 'SENT', attempts: 2, lastError: null, sentAt: due }));
      expect(smtp.received.map((r) => r.subject)).toEqual(['Your access to the space “Open lab” has ended']);
    } finally {
      t.clock.set(null);
    }
  });

  it('gives up at once on a message no template can render, and keeps it', async () => {
    await enqueue({
      to: { userId: ids.staff },
      template: 'no.such.template' as MailTemplate,
      params: {},
      subjectType: 'User',
      subjectId: ids.staff,
    });
    expect(await dispatcher.dispatchDue(t.clock.now())).toEqual({ sent: 0, retried: 0, failed: 1, withdrawn: 0 });
    const [d] = await mail.deliveriesOf('User', ids.staff);
    expect(d).toEqual(
      expect.objectContaining({ status: 'FAILED', attempts: 1, lastError: 'unknown mail template no.such.template' }),
    );
    expect(smtp.received).toEqual([]);
  });

  it('sends each message once when two dispatchers run at the same time', async () => {
    const subjectId = '0b7a4b52-7a43-4c4b-8e2e-5a0c6f1f0a03';
    const count = 45;
    await enqueue(
      ...Array.from({ length: count }, (_, i) => ({
        to: { email: `crowd${i}@bolt.test` },
        template: 'organization.reactivated' as const,
        params: { organizationName: 'Bolt' },
        subjectType: 'Organization',
        subjectId,
      })),
    );
    // A second dispatcher, as another instance would run (same database, its own claims).
    const other = new MailDispatcher(
      t.dataSource,
      (dispatcher as unknown as { transport: never }).transport,
      t.config,
      t.clock,
      (dispatcher as unknown as { moduleRef: never }).moduleRef,
    );
    const now = t.clock.now();
    const [a, b] = await Promise.all([dispatcher.dispatchDue(now), other.dispatchDue(now)]);
    expect(a.sent + b.sent).toBe(count);
    const sentIds = smtp.received.map((r) => r.messageId);
    expect(sentIds).toHaveLength(count);
    expect(new Set(sentIds).size).toBe(count);
    const stored = await rows(`subject_id = $1`, [subjectId]);
    expect(stored.map((r) => [r.status, r.attempts])).toEqual(stored.map(() => ['SENT', 1]));
  });
});

describe('mail when the SMTP server is down', () => {
  let t: TestApp;
  let ids: Record<string, string>;

  beforeAll(async () => {
    const port = await freePort();
    t = await startTestApp({ SMTP_URL: `smtp://mailer:s3cret-pw@127.0.0.1:${port}` });
    ids = await t.importWorld(SMALL_WORLD);
  });
  afterAll(() => t.close());

  it('keeps the message, records each attempt, retries with backoff, and marks it FAILED after the last', async () => {
    const mail = t.app.get(MailService);
    const dispatcher = t.app.get(MailDispatcher);
    const subjectId = '0b7a4b52-7a43-4c4b-8e2e-5a0c6f1f0a04';
    let now = new Date('2030-02-01T09:00:00Z');
    t.clock.set(now);
    try {
      await mail.enqueue(t.dataSource.manager, [
        {
          to: { userId: ids.alice },
          template: 'invitation',
          params: { spaceName: 'Open lab' },
          subjectType: 'Invitation',
          subjectId,
        },
      ]);
      for (let attempt = 1; attempt <= MAIL_MAX_ATTEMPTS; attempt++) {
        const result = await dispatcher.dispatchDue(now);
        const [d] = await mail.deliveriesOf('Invitation', subjectId);
        expect(d.attempts).toBe(attempt);
        expect(d.lastError).toMatch(/ECONNREFUSED|ESOCKET|ECONNECTION/);
        expect(d.lastError).not.toContain('s3cret-pw');
        if (attempt < MAIL_MAX_ATTEMPTS) {
          expect(result).toEqual({ sent: 0, retried: 1, failed: 0, withdrawn: 0 });
          expect(d.status).toBe('PENDING');
          const wait = MAIL_BACKOFF_MINUTES[Math.min(attempt, MAIL_BACKOFF_MINUTES.length) - 1];
          expect(d.nextAttemptAt).toEqual(new Date(now.getTime() + minutes(wait)));
          // Not retried before its time.
          expect(await dispatcher.dispatchDue(new Date(now.getTime() + minutes(wait) - 1000))).toEqual({
            sent: 0,
            retried: 0,
            failed: 0,
            withdrawn: 0,
          });
          now = d.nextAttemptAt;
        } else {
          expect(result).toEqual({ sent: 0, retried: 0, failed: 1, withdrawn: 0 });
          expect(d.status).toBe('FAILED');
        }
      }
      // Given up, never lost: the row stays, and no later run picks it up again.
      expect(await dispatcher.dispatchDue(new Date(now.getTime() + minutes(10_000)))).toEqual({
        sent: 0,
        retried: 0,
        failed: 0,
        withdrawn: 0,
      });
      const [kept] = await mail.deliveriesOf('Invitation', subjectId);
      expect(kept).toEqual(expect.objectContaining({ status: 'FAILED', attempts: MAIL_MAX_ATTEMPTS, sentAt: null }));
    } finally {
      t.clock.set(null);
    }
  });
});

describe('mail schedule', () => {
  it('registers the dispatch every 30 seconds when jobs are enabled', async () => {
    const t = await startTestApp({ JOBS_ENABLED: 'true' });
    try {
      const interval = t.app.get(SchedulerRegistry).getInterval('mail-dispatch') as { _repeat?: number };
      expect(interval._repeat).toBe(30_000);
    } finally {
      await t.close();
    }
  });
});
