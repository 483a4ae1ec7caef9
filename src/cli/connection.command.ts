import { readFile } from 'node:fs/promises';
import type { INestApplicationContext } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { IdpConnection } from '../database/entities/idp-connection.entity';
import { CliCommand, CliIo } from './cli-command';
import { CliException } from './cli.exception';

/**
 * `connection add --org <id|domain> --metadata <file|url> [--name n] [--domains a,b]
 * [--allow-idp-initiated] [--json]` and `connection list --org <id|domain> [--json]`:
 * IdP connections from the command line, audited like the GraphQL mutations.
 */
export const connectionCommand: CliCommand = {
  name: 'connection',
  usage:
    'connection add --org <id|domain> --metadata <file|url> [--name n] [--domains a,b] [--allow-idp-initiated] [--json] | connection list --org <id|domain> [--json]',
  summary: 'Add an organisation’s SAML IdP from its metadata and print what to configure at the IdP; or list them',
  options: {
    org: { type: 'string' },
    metadata: { type: 'string' },
    name: { type: 'string' },
    domains: { type: 'string' },
    'allow-idp-initiated': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  positionals: { min: 1, max: 1 },
  imports: async () => [(await import('../sso/connections/connections.module')).ConnectionsModule],
  async run({ args, flags, io, app }) {
    const sub = args[0];
    if (sub !== 'add' && sub !== 'list')
      throw CliException.usage(`connection: unknown subcommand "${sub}" (add or list)`);
    if (typeof flags.org !== 'string' || flags.org.trim() === '')
      throw CliException.usage('connection: --org <id|domain> is required');
    if (sub === 'list') {
      await listConnections(await app(), flags.org, flags.json === true, io);
      return;
    }
    if (typeof flags.metadata !== 'string' || flags.metadata.trim() === '')
      throw CliException.usage('connection add: --metadata <file|url> is required');
    const source = flags.metadata.trim();
    const isUrl = /^https?:\/\//i.test(source);
    // Local input first: a missing file fails before the database is touched.
    let metadataXml: string | null = null;
    if (!isUrl) {
      try {
        metadataXml = await readFile(source, 'utf8');
      } catch (error) {
        throw CliException.badInput(
          `--metadata: cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        );
      }
    }
    const domains =
      typeof flags.domains === 'string'
        ? flags.domains
            .split(',')
            .map((d) => d.trim())
            .filter(Boolean)
        : undefined;
    await runConnectionAdd(
      await app(),
      {
        org: flags.org,
        metadataXml,
        metadataUrl: isUrl ? source : null,
        name: typeof flags.name === 'string' ? flags.name : undefined,
        allowedDomains: domains,
        allowIdpInitiated: flags['allow-idp-initiated'] === true,
        json: flags.json === true,
      },
      io,
    );
  },
};

export async function runConnectionAdd(
  app: INestApplicationContext,
  o: {
    org: string;
    metadataXml: string | null;
    metadataUrl: string | null;
    name?: string;
    allowedDomains?: string[];
    allowIdpInitiated: boolean;
    json: boolean;
  },
  io: CliIo,
): Promise<IdpConnection> {
  const { ConnectionService } = await import('../sso/connections/connection.service');
  const { ConnectionRepository } = await import('../sso/connections/connection.repository');
  const { SamlLoginService } = await import('../sso/saml/saml-login.service');
  const connections = app.get(ConnectionService);
  const organization = await app.get(ConnectionRepository).organizationByIdOrDomain(o.org);
  if (!organization) throw CliException.badInput(`--org: no organisation with id or domain "${o.org}"`);
  const connection = await connections.create(
    { kind: 'cli' },
    {
      organizationId: organization.id,
      metadataXml: o.metadataXml,
      metadataUrl: o.metadataUrl,
      name: o.name,
      allowedDomains: o.allowedDomains,
      allowIdpInitiated: o.allowIdpInitiated,
    },
  );
  for (const skipped of connection.skippedCertificates ?? []) io.err(`warning: ${skipped.warning}`);
  const sp = connections.endpoints(connection);
  noteUrlOrigin(app, io);
  const spMetadata = await app.get(SamlLoginService).metadata(connection.id);
  if (o.json) {
    io.out(
      JSON.stringify({
        id: connection.id,
        organizationId: organization.id,
        organization: organization.name,
        idpEntityId: connection.idpEntityId,
        spEntityId: sp.entityId,
        spMetadataUrl: sp.metadataUrl,
        loginUrl: sp.loginUrl,
        acsUrl: sp.acsUrl,
        sloUrl: sp.sloUrl,
        spMetadata,
      }),
    );
    return connection;
  }
  io.out(connection.id);
  io.out(`Created IdP connection "${connection.name}" for ${organization.name}`);
  io.out(`  IdP entityID        ${connection.idpEntityId}`);
  io.out(`  SP entityID         ${sp.entityId}`);
  io.out(`  SP metadata         ${sp.metadataUrl}`);
  io.out(`  Login URL           ${sp.loginUrl}`);
  io.out(`  Consumer URL (ACS)  ${sp.acsUrl}`);
  io.out(`  Single logout       ${sp.sloUrl}`);
  io.out(`  Email domains       ${connection.allowedDomains.join(', ')}`);
  return connection;
}

async function listConnections(app: INestApplicationContext, org: string, json: boolean, io: CliIo): Promise<void> {
  const { ConnectionService } = await import('../sso/connections/connection.service');
  const { ConnectionRepository } = await import('../sso/connections/connection.repository');
  const connections = app.get(ConnectionService);
  const organization = await app.get(ConnectionRepository).organizationByIdOrDomain(org);
  if (!organization) throw CliException.badInput(`--org: no organisation with id or domain "${org}"`);
  const list = await connections.list({ kind: 'cli' }, organization.id);
  if (list.length === 0) {
    io.err(
      `no connections for ${organization.name}: add one with npm run -s cli -- connection add --org ${org} --metadata <file|url>`,
    );
    return;
  }
  noteUrlOrigin(app, io);
  for (const c of list) {
    const sp = connections.endpoints(c);
    io.out(
      json
        ? JSON.stringify({
            id: c.id,
            name: c.name,
            status: c.status,
            idpEntityId: c.idpEntityId,
            spEntityId: sp.entityId,
            loginUrl: sp.loginUrl,
            acsUrl: sp.acsUrl,
          })
        : `${c.id}\t${c.status}\t${c.name}\t${sp.loginUrl}`,
    );
  }
}

/** The printed URLs derive from PUBLIC_URL: when it is not set, say what they were made from. */
function noteUrlOrigin(app: INestApplicationContext, io: CliIo): void {
  const config = app.get(AppConfig);
  if (config.publicUrlSource === 'PUBLIC_URL') return;
  const from = config.publicUrlSource === 'PORT' ? `PORT=${config.port}` : `the default port ${config.port}`;
  io.err(
    `note: URLs below start with ${config.publicUrl} (PUBLIC_URL is not set; made from ${from}); set PUBLIC_URL to the origin browsers and IdPs reach the gateway at`,
  );
}
