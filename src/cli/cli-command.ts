import { DynamicModule, INestApplicationContext, Type } from '@nestjs/common';
import type { ParseArgsConfig } from 'node:util';

/** Where a command writes: stdout carries the result (for pipes), stderr everything else. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export interface CliContext {
  /** Positional arguments after the command name. */
  args: string[];
  /** Parsed `--flags`, as declared in the command's `options`. */
  flags: Record<string, string | boolean | undefined>;
  io: CliIo;
  /**
   * The Nest application context, booted on first call (database connected, migrations
   * run): read and check local input first, so a typo fails without touching the database.
   */
  app(): Promise<INestApplicationContext>;
}

/**
 * One admin command, in its own `<name>.command.ts` file, listed in cli-commands.ts. The
 * file imports only types and light modules at its top; the rest with `await import()`.
 */
export interface CliCommand {
  /** The word after `npm run cli --`. */
  name: string;
  /** Shown in help and usage errors, e.g. `import <file> [--json]`. */
  usage: string;
  /** One line for `help`. */
  summary: string;
  /** `--flags`, in node:util parseArgs form; `--help` is added to every command. */
  options?: ParseArgsConfig['options'];
  /** How many positional arguments the command takes. */
  positionals: { min: number; max: number };
  /**
   * Nest modules the command needs beyond the CLI's own set (see CliModule), loaded only
   * when the command runs: `help` and usage errors must not pay for Nest and TypeORM.
   */
  imports?: () => Promise<(Type<unknown> | DynamicModule)[]>;
  run(context: CliContext): Promise<void>;
}
