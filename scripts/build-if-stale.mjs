// Builds dist/ (as `npm run build`: the gateway, then the portal in dist/web) only when a
// source is newer than the last build, so `npm run cli` and `npm start` start at once on a
// built tree. Each half has its own stamp. Progress goes to stderr.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
// What tsconfig.build.json compiles, and what changes how it compiles.
const inputs = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
const webStamp = join(root, 'dist', '.web-build-stamp');
// What Vite bundles into dist/web.
const webInputs = ['web', 'package-lock.json'];

function newest(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), info.mtimeMs);
}

function run(args) {
  const child = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (child.status !== 0) process.exit(child.status ?? 1);
}

function stampNow(path, started) {
  writeFileSync(path, '');
  utimesSync(path, started, started);
}

const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
if (inputs.some((input) => newest(join(root, input)) > builtAt)) {
  const started = new Date();
  process.stderr.write(
    builtAt === 0
      ? 'Building the gateway (TypeScript, first time: about a minute)…\n'
      : 'Sources changed: rebuilding…\n',
  );
  run([join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
  // Stamped with the start time: a file saved during the build triggers the next one.
  stampNow(stamp, started);
}

const webBuiltAt =
  existsSync(webStamp) && existsSync(join(root, 'dist/web/index.html')) ? statSync(webStamp).mtimeMs : 0;
if (webInputs.some((input) => newest(join(root, input)) > webBuiltAt)) {
  const started = new Date();
  process.stderr.write('Building the portal (web/, Vite: a few seconds)…\n');
  run([join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.mts', '--logLevel', 'warn']);
  stampNow(webStamp, started);
}
