import type { INestApplicationContext } from '@nestjs/common';
import { OrganizationStatus, UserStatus } from '../common/domain.enums';
import { userCounts } from '../auth/membership-rules';
import { CliCommand } from './cli-command';
import { CliException } from './cli.exception';

/**
 * `token <email...> [--ttl 1h] [--name x] [--json]`: one API token per email, in order, one
 * line each: `email<TAB>token` (so `cut -f2` takes the token), or one JSON array.
 */
export const tokenCommand: CliCommand = {
  name: 'token',
  usage: 'token <email...> [--ttl 1h] [--name label] [--json]',
  summary: 'Mint an API token for each email: one "email<TAB>token" line each (or --json); all or none, audited',
  options: { ttl: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: Number.POSITIVE_INFINITY },
  async run({ args, flags, io, app }) {
    const { DEFAULT_TOKEN_TTL_SECONDS, MAX_TOKEN_TTL_SECONDS, TokenService } = await import('../auth/token.service');
    const ttlSeconds =
      flags.ttl === undefined
        ? DEFAULT_TOKEN_TTL_SECONDS
        : parseTtl(String(flags.ttl), TokenService.parseTtl, MAX_TOKEN_TTL_SECONDS);
    const name = typeof flags.name === 'string' && flags.name.trim() !== '' ? flags.name.trim() : null;
    const emails = args.map((e) => e.trim().toLowerCase());
    const tokens = await mintTokens(await app(), emails, { ttlSeconds, name });
    if (flags.json === true) {
      io.out(JSON.stringify(tokens.map((token, i) => ({ email: emails[i], token }))));
      return;
    }
    tokens.forEach((token, i) => io.out(`${emails[i]}\t${token}`));
  },
};

function parseTtl(text: string, parse: (text: string) => number, max: number): number {
  let seconds: number;
  try {
    seconds = parse(text);
  } catch (error) {
    throw CliException.badInput(`--ttl: ${(error as Error).message}`);
  }
  if (seconds <= 0 || seconds > max) {
    throw CliException.badInput(`--ttl: a token lives between 1 second and ${max / 86_400} days, got "${text}"`);
  }
  return seconds;
}

interface Holder {
  id: string;
  email: string;
  organization_id: string;
  status: UserStatus;
  organization_status: OrganizationStatus;
}

/**
 * Mints one token per email, in order, in one transaction: an unknown email, or a user who
 * does not count (disabled, or organisation suspended), refuses them all. Each mint is
 * audited `token.mint` with no actor (the command line), the refusal too.
 */
export async function mintTokens(
  app: INestApplicationContext,
  emails: string[],
  options: { ttlSeconds: number; name: string | null },
): Promise<string[]> {
  const { DataSource } = await import('typeorm');
  const { TokenService } = await import('../auth/token.service');
  const { AuditService } = await import('../audit/audit.service');
  const dataSource = app.get(DataSource);
  const tokenService = app.get(TokenService);
  const audit = app.get(AuditService);
  const wanted = emails.map((e) => e.trim().toLowerCase());
  try {
    return await dataSource.transaction(async (manager) => {
      const holders: Holder[] = await manager.query(
        `SELECT u.id, u.email, u.organization_id, u.status, o.status AS organization_status
           FROM users u JOIN organizations o ON o.id = u.organization_id
          WHERE u.email = ANY($1::text[])`,
        [[...new Set(wanted)]],
      );
      const byEmail = new Map(holders.map((h) => [h.email, h]));
      const problems = [...new Set(wanted)].flatMap((email) => {
        const h = byEmail.get(email);
        if (!h) return [`no user has the email "${email}"`];
        if (userCounts(h, { status: h.organization_status })) return [];
        return [
          h.status !== UserStatus.ACTIVE
            ? `user "${email}" is disabled`
            : `the organisation of user "${email}" is suspended`,
        ];
      });
      if (problems.length > 0) throw CliException.badInput(`no token minted: ${problems.join('; ')}`, { problems });
      const minted: string[] = [];
      for (const email of wanted) {
        const holder = byEmail.get(email) as Holder;
        const { token, apiToken } = await tokenService.mint(holder.id, options, manager);
        await audit.record(
          {
            action: 'token.mint',
            outcome: 'SUCCESS',
            actorId: null,
            subjectType: 'ApiToken',
            subjectId: apiToken.id,
            details: {
              via: 'cli',
              userId: holder.id,
              email,
              name: options.name,
              expiresAt: apiToken.expiresAt.toISOString(),
            },
          },
          manager,
        );
        minted.push(token);
      }
      return minted;
    });
  } catch (error) {
    if (error instanceof CliException) {
      await audit.recordQuietly({
        action: 'token.mint',
        outcome: 'FAILURE',
        actorId: null,
        reason: 'user_unknown_or_not_counting',
        details: { via: 'cli', emails: wanted, problems: error.details.problems ?? [] },
      });
    }
    throw error;
  }
}
