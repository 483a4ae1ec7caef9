import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { LogMailTransport } from './log-mail.transport';

const MAIL = {
  id: '0b7a4b52-7a43-4c4b-8e2e-5a0c6f1f0a01',
  to: 'alice@acme.test',
  subject: 'Invitation à rejoindre l’espace « Open lab »',
  text: 'Bonjour,\n\nOlga vous invite.\n',
  html: '<p>Bonjour,</p>',
};

function configFor(nodeEnv: string, dataDir: string | null): AppConfig {
  return {
    nodeEnv,
    isProduction: nodeEnv === 'production',
    dataDir,
    mailFrom: 'Passerelle <no-reply@host.test>',
  } as AppConfig;
}

describe('LogMailTransport', () => {
  let dir: string;
  let logged: string[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'passerelle-mail-'));
    logged = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation((message: unknown) => void logged.push(String(message)));
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('logs the recipient and subject, and writes the message as an .eml file under $DATA_DIR/mail in development', async () => {
    await new LogMailTransport(configFor('development', dir)).send(MAIL);
    expect(logged).toEqual([`to alice@acme.test: ${MAIL.subject}`]);
    const files = await readdir(join(dir, 'mail'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`-${MAIL.id}\\.eml$`));
    const eml = await readFile(join(dir, 'mail', files[0]), 'utf8');
    expect(eml).toMatch(/^To: alice@acme\.test$/m);
    expect(eml).toMatch(/^From: Passerelle <no-reply@host\.test>$/m);
    expect(eml).toContain(`Message-ID: <${MAIL.id}@passerelle>`);
    expect(eml).toMatch(/^Subject: =\?UTF-8\?/m);
  });

  it('writes no file in production, nor without a data folder (in-memory database)', async () => {
    await new LogMailTransport(configFor('production', dir)).send(MAIL);
    await new LogMailTransport(configFor('development', null)).send(MAIL);
    expect(await readdir(dir)).toEqual([]);
    expect(logged).toHaveLength(2);
  });
});
