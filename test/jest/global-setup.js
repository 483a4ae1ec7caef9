// Jest's global setup, run once before any worker starts (workers inherit process.env).
// Every in-memory embedded database the tests start, in Jest's workers and in the child
// gateways they spawn (test/support/child-gateway.ts passes the variable on), begins from one
// migrated template kept in PGLITE_TEMPLATE_DIR (src/database/data-source.factory.ts) instead
// of running initdb and every migration on WebAssembly again: 1.3 s instead of 5 to 6 s each.
// A directory given by the caller is used as is and kept; one made here is removed at the end.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async function globalSetup() {
  if (process.env.PGLITE_TEMPLATE_DIR) return;
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-pglite-'));
  process.env.PGLITE_TEMPLATE_DIR = dir;
  globalThis.__PASSERELLE_OWN_TEMPLATE_DIR__ = dir;
};
