import { INestApplicationContext, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { AppConfig, ConfigError } from '../config/app-config';
import { DomainException } from '../common/domain.exception';
import { DatabaseUnreachableError, reachDatabase } from '../database/reach-database';
import { CliCommand, CliIo } from './cli-command';
import { CLI_COMMANDS } from './cli-commands';
import { CliException } from './cli.exception';
import { CliModule } from './cli.module';

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Runs one command line and returns the exit code: 0 done, 1 refused (bad input, wrong
 * configuration, unreachable database), 2 usage error. Every failure is one line on
 * stderr, never a stack trace.
 */
export async function runCli(argv: string[], io: CliIo = processIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  let app: INestApplicationContext | null = null;
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      const about = rest[0] === undefined ? undefined : findCommand(rest[0]);
      if (about) io.out(`Usage: npm run cli -- ${about.usage}\n  ${about.summary}`);
      else help(name === undefined ? io.err : io.out);
      return name === undefined ? 2 : 0;
    }
    const command = findCommand(name);
    if (!command) throw CliException.usage(`unknown command "${name}" (commands: ${CLI_COMMANDS.map((c) => c.name).join(', ')}, help)`);
    const { args, flags } = parseCommandLine(command, rest);
    if (flags.help === true) {
      io.out(`Usage: npm run cli -- ${command.usage}\n  ${command.summary}`);
      return 0;
    }
    // Validated in full first: a wrong setting is named even when the command needs no database.
    AppConfig.fromEnv(env);
    // Admin commands never seed on their own: `demo` does it when asked.
    const config = new AppConfig({ ...env, DEMO_SEED: 'false' });
    await command.run({
      args,
      flags,
      io,
      app: async () => {
        app ??= await boot(command, config, io);
        return app;
      },
    });
    return 0;
  } catch (error) {
    io.err(`error: ${oneLine(describe(error))}`);
    return error instanceof CliException ? error.exitCode : 1;
  } finally {
    await (app as INestApplicationContext | null)?.close();
  }
}

function findCommand(name: string): CliCommand | undefined {
  return CLI_COMMANDS.find((c) => c.name === name);
}

function parseCommandLine(command: CliCommand, rest: string[]): { args: string[]; flags: Record<string, string | boolean | undefined> } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw CliException.usage(`${(error as Error).message.replace(/\. To specify a positional.*$/s, '')}; usage: npm run cli -- ${command.usage}`);
  }
  const args = parsed.positionals;
  const flags = parsed.values as Record<string, string | boolean | undefined>;
  const { min, max } = command.positionals;
  if (flags.help !== true && (args.length < min || args.length > max)) {
    const expected = min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
    const one = min === 1 && (max === 1 || max === Number.POSITIVE_INFINITY);
    throw CliException.usage(`${command.name} takes ${expected} argument${one ? '' : 's'}, got ${args.length}; usage: npm run cli -- ${command.usage}`);
  }
  return { args, flags };
}

async function boot(command: CliCommand, config: AppConfig, io: CliIo): Promise<INestApplicationContext> {
  if (config.databaseUrl) {
    try {
      await reachDatabase(config.databaseUrl);
    } catch (error) {
      if (error instanceof DatabaseUnreachableError) throw CliException.badInput(error.message);
      throw error;
    }
  }
  const app = await NestFactory.createApplicationContext(CliModule.forCommand(config, command.imports), {
    logger: new OneLineErrorLogger(io),
    abortOnError: false,
  });
  // A refused statement reaches the command as an error and is printed in one line; the
  // query logger would add the whole statement and its parameters (unless LOG_SQL asks).
  if (!config.logSql) app.get(DataSource).setOptions({ logger: 'simple-console', logging: false });
  return app;
}

function describe(error: unknown): string {
  if (error instanceof ConfigError) return `configuration: ${error.message}`;
  if (error instanceof DomainException || error instanceof Error) return error.message || error.name;
  return String(error);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function help(print: (line: string) => void): void {
  const rows = [...CLI_COMMANDS.map((c) => [c.usage, c.summary]), ['help [command]', 'Show this help, or one command’s usage']];
  const width = Math.max(...rows.map(([u]) => u.length));
  print(
    [
      'Passerelle admin command line: npm run cli -- <command> [arguments]',
      '',
      'Commands:',
      ...rows.map(([u, s]) => `  ${u.padEnd(width)}  ${s}`),
      '',
      'Settings come from the environment, as for the server (DATABASE_URL, DATA_DIR, ...).',
      'Exit codes: 0 done, 1 refused (bad input, configuration, database), 2 usage error.',
    ].join('\n'),
  );
}

/** Nest's own errors, one line each; bootstrap failures reach runCli, which prints them itself. */
class OneLineErrorLogger implements LoggerService {
  constructor(private readonly io: CliIo) {}

  error(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (context === 'ExceptionHandler') return;
    this.io.err(`error: ${oneLine(message instanceof Error ? message.message : String(message))}`);
  }

  log(): void {}
  warn(): void {}
}
