import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Another process already holds the embedded database. */
export class EmbeddedDatabaseBusyError extends Error {}

/**
 * PGlite is a single-process database: a second process opening the same folder would
 * corrupt it. The first one to open it leaves its pid in a lock file; others refuse.
 */
export function lockEmbeddedDatabase(dataDir: string): () => void {
  const file = join(dataDir, 'passerelle.pid');
  let holder: number | null;
  try {
    holder = Number(readFileSync(file, 'utf8').trim()) || null;
  } catch {
    holder = null;
  }
  if (holder && holder !== process.pid && alive(holder)) {
    throw new EmbeddedDatabaseBusyError(
      `the embedded database in ${dataDir} is in use by process ${holder}: stop it first, or use DATABASE_URL`,
    );
  }
  writeFileSync(file, String(process.pid));
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
    } catch {
      // Already gone.
    }
  };
  process.once('exit', release);
  return release;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
