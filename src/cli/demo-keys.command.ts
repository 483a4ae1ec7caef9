import { CliCommand } from './cli-command';

/** `demo-keys`: new keys for the demo IdPs whose stored keys this SECRET_KEY cannot open. */
export const demoKeysCommand: CliCommand = {
  name: 'demo-keys',
  usage: 'demo-keys',
  summary: 'Give the demo IdPs new keys when the SECRET_KEY that encrypted theirs is lost (never in production)',
  positionals: { min: 0, max: 0 },
  imports: async () => [(await import('../dev/demo-idp/demo-idp.module')).DemoIdpModule],
  // In production the demo IdP module refuses to load: the command fails with that line.
  async run({ io, app }) {
    const { DemoIdpService } = await import('../dev/demo-idp/demo-idp.service');
    const renewed = await (await app()).get(DemoIdpService).renewUnreadableKeys({ via: 'cli' });
    if (renewed.length === 0) io.err('every demo IdP key opens with this SECRET_KEY: nothing to do');
    for (const c of renewed) io.out(`${c.id}\t${c.name}: new keys`);
  },
};
