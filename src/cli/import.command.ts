import { readFile } from 'node:fs/promises';
import { WorldImportException } from '../world-import/world-import.exception';
import type { WorldImportResult } from '../world-import/world-import.service';
import { CliCommand, CliIo } from './cli-command';

/** `import <file> [--json]`: loads a world file in one transaction; importing it again changes nothing. */
export const importCommand: CliCommand = {
  name: 'import',
  usage: 'import <world.json> [--json]',
  summary: 'Load a world file in one transaction (idempotent); --json prints every key → id',
  options: { json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run({ args, flags, io, app }) {
    const [file] = args;
    const world = await readWorldFile(file);
    const { WorldImportService } = await import('../world-import/world-import.service');
    const result = await (await app()).get(WorldImportService).importWorld(world, { actorId: null, source: file });
    printResult(io, `Imported ${file}`, result, flags.json === true);
  },
};

/** The parsed JSON of a world file; a missing file or bad JSON is a one-line refusal. */
export async function readWorldFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw WorldImportException.unreadable(`cannot read world file "${file}": ${why}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw WorldImportException.unreadable(`world file "${file}" is not valid JSON: ${(error as Error).message}`);
  }
}

/** Warnings on stderr; on stdout either one summary line or, with --json, the key → id map. */
export function printResult(io: CliIo, title: string, result: WorldImportResult, json: boolean): void {
  for (const warning of result.warnings) io.err(`warning: ${warning}`);
  if (json) {
    io.out(JSON.stringify(result.ids, null, 2));
    return;
  }
  const sections = Object.entries(result.counts).map(([section, n]) => `${n} ${section}`);
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  const created = sum(result.created);
  const updated = sum(result.updated);
  const unchanged = sum(result.counts) - created - updated;
  io.out(`${title}: ${sections.join(', ')} (${created} created, ${updated} updated, ${unchanged} unchanged).`);
}
