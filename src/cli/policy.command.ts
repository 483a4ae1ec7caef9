import { CliCommand } from './cli-command';
import { CliException } from './cli.exception';

/**
 * `policy export [--format json|markdown]`: the access policy as data, the same document as
 * the `accessPolicy` query. It is derived from the engine's code: no database, no server.
 */
export const policyCommand: CliCommand = {
  name: 'policy',
  usage: 'policy export [--format json|markdown]',
  summary: 'Print the access policy (every rule of the engine, as data and in plain words) with its version hash',
  options: { format: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run({ args, flags, io }) {
    if (args[0] !== 'export') throw CliException.usage(`policy: unknown subcommand "${args[0]}" (export)`);
    const format = flags.format ?? 'json';
    if (format !== 'json' && format !== 'markdown') throw CliException.usage('policy export: --format json|markdown');
    const { buildPolicyDocument } = await import('../policy/policy-document');
    const document = buildPolicyDocument();
    if (format === 'json') {
      io.out(JSON.stringify(document, null, 2));
    } else {
      const { policyMarkdown } = await import('../policy/policy-markdown');
      io.out(policyMarkdown(document));
    }
  },
};
