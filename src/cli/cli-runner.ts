import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import { parseArgs } from 'node:util';
import { AppConfig, ConfigError } from '../config/app-config';
import { DomainException } from '../common/domain.exception';
import { WorldImportException } from '../world-import/world-import.exception';
import { CliCommand, CliIo } from './cli-command';
import { CLI_COMMANDS } from './cli-commands';
import { CliException } from './cli.exception';

// Nest, TypeORM and pg are loaded only to run a command: help and usage errors are instant.

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Runs one command line and returns the exit code: 0 done, 1 refused (bad input, wrong
 * configuration, unreachable database), 2 usage error. Every failure is one line on
 * stderr, never a stack trace.
 */
export async function runCli(
  argv: string[],
  io: CliIo = processIo,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  let app: INestApplicationContext | null = null;
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      if (rest[0] === undefined) {
        help(name === undefined ? io.err : io.out);
        return name === undefined ? 2 : 0;
      }
      io.out(usage(commandNamed(rest[0])));
      return 0;
    }
    const command = commandNamed(name);
    const { args, flags } = parseCommandLine(command, rest);
    if (flags.help === true) {
      io.out(usage(command));
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
    for (const line of describe(error)) io.err(`error: ${oneLine(line)}`);
    return error instanceof CliException ? error.exitCode : 1;
  } finally {
    await (app as INestApplicationContext | null)?.close();
  }
}

function commandNamed(name: string): CliCommand {
  const command = CLI_COMMANDS.find((c) => c.name === name);
  if (!command)
    throw CliException.usage(
      `unknown command "${name}" (commands: ${CLI_COMMANDS.map((c) => c.name).join(', ')}, help)`,
    );
  return command;
}

function usage(command: CliCommand): string {
  return [
    ...wrap(`Usage: npm run -s cli -- ${command.usage}`, WIDTH, '    '),
    ...wrap(command.summary, WIDTH - 2, '').map((l) => `  ${l}`),
  ].join('\n');
}

function parseCommandLine(
  command: CliCommand,
  rest: string[],
): { args: string[]; flags: Record<string, string | boolean | undefined> } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw CliException.usage(
      `${(error as Error).message.replace(/\. To specify a positional.*$/s, '')}; usage: npm run cli -- ${command.usage}`,
    );
  }
  const args = parsed.positionals;
  const flags = parsed.values as Record<string, string | boolean | undefined>;
  const { min, max } = command.positionals;
  if (flags.help !== true && (args.length < min || args.length > max)) {
    const expected = min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
    const one = min === 1 && (max === 1 || max === Number.POSITIVE_INFINITY);
    throw CliException.usage(
      `${command.name} takes ${expected} argument${one ? '' : 's'}, got ${args.length}; usage: npm run cli -- ${command.usage}`,
    );
  }
  return { args, flags };
}

async function boot(command: CliCommand, config: AppConfig, io: CliIo): Promise<INestApplicationContext> {
  const { NestFactory } = await import('@nestjs/core');
  const { DataSource } = await import('typeorm');
  const { CliModule } = await import('./cli.module');
  const { DatabaseUnreachableError, reachDatabase } = await import('../database/reach-database');
  if (config.databaseUrl) {
    try {
      await reachDatabase(config.databaseUrl);
    } catch (error) {
      if (error instanceof DatabaseUnreachableError) throw CliException.badInput(error.message);
      throw error;
    }
  }
  const app = await NestFactory.createApplicationContext(
    CliModule.forCommand(config, command.imports ? await command.imports() : []),
    {
      logger: new OneLineErrorLogger(io),
      abortOnError: false,
    },
  );
  // A refused statement reaches the command as an error and is printed in one line; the
  // query logger would add the whole statement and its parameters (unless LOG_SQL asks).
  if (!config.logSql) app.get(DataSource).setOptions({ logger: 'simple-console', logging: false });
  return app;
}

// A refused import lists its problems, one line each, up to this many.
const MAX_PROBLEM_LINES = 50;

/** The lines to print for a failure: one, or one per problem of a refused import. */
function describe(error: unknown): string[] {
  if (error instanceof ConfigError) return [`configuration: ${error.message}`];
  if (error instanceof WorldImportException && error.total > 1) {
    const shown = error.problems.slice(0, MAX_PROBLEM_LINES);
    const more = error.total - shown.length;
    return [
      `${error.total} problems, nothing imported:`,
      ...shown,
      ...(more > 0 ? [`… and ${more} more problem${more > 1 ? 's' : ''}`] : []),
    ];
  }
  if (error instanceof DomainException || error instanceof Error) return [error.message || error.name];
  return [String(error)];
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

// Help lines fit a terminal of about this many columns.
const WIDTH = 100;

function help(print: (line: string) => void): void {
  const rows = [
    ...CLI_COMMANDS.map((c) => [c.usage, c.summary]),
    ['help [command]', 'Show this help, or one command’s usage'],
  ];
  print(
    [
      'Passerelle admin command line: npm run -s cli -- <command> [arguments]',
      '',
      'Commands:',
      // Each usage on its own line(s), its summary indented below: long usages stay readable.
      ...rows.flatMap(([u, s]) => [
        ...wrap(u, WIDTH - 2, '  ').map((l) => `  ${l}`),
        ...wrap(s, WIDTH - 6, '').map((l) => `      ${l}`),
      ]),
      '',
      'Settings come from the environment, as for the server (DATABASE_URL, DATA_DIR, PUBLIC_URL, ...).',
      'Exit codes: 0 done, 1 refused (bad input, configuration, database), 2 usage error.',
    ].join('\n'),
  );
}

/** Breaks text at spaces into lines of at most `width` characters; continuation lines get `indent`. */
export function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (candidate.length > width && line.trim() !== '') {
      lines.push(line);
      line = `${indent}${word}`;
    } else {
      line = candidate;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
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
