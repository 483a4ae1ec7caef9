import { mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** DATA_DIR cannot be used; the message says why, in one line. */
export class DataDirError extends Error {}

/**
 * Makes sure DATA_DIR is a folder this process can write, or fails at once with one line
 * naming DATA_DIR (the caller adds the name). Creates missing folders one level at a time: Node's recursive mkdir
 * never returns on some paths (under /proc it retries ENOENT forever).
 */
export function prepareDataDir(dataDir: string): void {
  const target = resolve(dataDir);
  const missing: string[] = [];
  for (let path = target; ; path = dirname(path)) {
    const kind = kindOf(path);
    if (kind === 'folder') break;
    if (kind === 'other') {
      throw new DataDirError(
        path === target
          ? `"${dataDir}" exists and is not a folder`
          : `"${dataDir}" cannot be a folder: ${path} is a file`,
      );
    }
    missing.unshift(path);
    if (dirname(path) === path) break;
  }
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && kindOf(path) === 'folder') continue;
      throw new DataDirError(`cannot create the folder "${dataDir}" (${code ?? (error as Error).message} at ${path})`);
    }
  }
  // Permissions alone do not tell (root ignores them; a read-only mount does not): write.
  const probe = resolve(target, `.write-test-${process.pid}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (error) {
    throw new DataDirError(
      `the folder "${dataDir}" is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

function kindOf(path: string): 'folder' | 'other' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'other';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: a file on the way, found one level up.
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw new DataDirError(`cannot use "${path}" (${code ?? (error as Error).message})`);
  }
}
