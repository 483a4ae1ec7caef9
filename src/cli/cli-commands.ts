import { auditCommand } from './audit.command';
import { CliCommand } from './cli-command';
import { connectionCommand } from './connection.command';
import { demoCommand } from './demo.command';
import { demoKeysCommand } from './demo-keys.command';
import { importCommand } from './import.command';
import { policyCommand } from './policy.command';
import { tokenCommand } from './token.command';

/**
 * Every command of `npm run cli -- <command>`, in the order `help` lists them.
 *
 * To add one: write `src/cli/<name>.command.ts` exporting a `CliCommand` (name, usage,
 * summary, options, positionals, and `imports` for any Nest module it needs beyond the
 * CLI's base set), then add it to this list. Its `run` gets the parsed arguments, an io
 * (result lines to stdout, the rest to stderr) and a lazily booted application context.
 * Throw CliException (or any DomainException) to refuse: the runner prints one line and
 * exits 1, or 2 for a usage error.
 */
export const CLI_COMMANDS: readonly CliCommand[] = [
  importCommand,
  tokenCommand,
  demoCommand,
  demoKeysCommand,
  connectionCommand,
  policyCommand,
  auditCommand,
];
