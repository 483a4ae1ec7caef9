// Builds dist/ (as `npm run build`) only when a source is newer than the last build, so
// `npm run cli` and `npm start` start at once on a built tree. Progress goes to stderr.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
// What tsconfig.build.json compiles, and what changes how it compiles.
const inputs = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function newest(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), info.mtimeMs);
}

const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
if (inputs.some((input) => newest(join(root, input)) > builtAt)) {
  const started = new Date();
  process.stderr.write(
    builtAt === 0
      ? 'Building the gateway (TypeScript, first time: about a minute)…\n'
      : 'Sources changed: rebuilding…\n',
  );
  const tsc = spawnSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    { cwd: root, stdio: 'inherit' },
  );
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  // Stamped with the start time: a file saved during the build triggers the next one.
  writeFileSync(stamp, '');
  utimesSync(stamp, started, started);
}
