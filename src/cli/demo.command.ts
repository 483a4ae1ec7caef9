import { CliCommand } from './cli-command';
import { printResult } from './import.command';

/** `demo`: loads the demo world into any database, PostgreSQL included (the server seeds only an empty embedded one). */
export const demoCommand: CliCommand = {
  name: 'demo',
  usage: 'demo [--json]',
  summary: 'Load the demo world (a host, two partners, their spaces, posts and comments)',
  options: { json: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run({ flags, io, app }) {
    const { DEMO_WORLD } = await import('../world-import/demo-seeder.service');
    const { WorldImportService } = await import('../world-import/world-import.service');
    const result = await (
      await app()
    )
      .get(WorldImportService)
      .importWorld(DEMO_WORLD, { actorId: null, source: 'demo-world.json' });
    printResult(io, 'Imported the demo world', result, flags.json === true);
  },
};
