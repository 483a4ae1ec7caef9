// Removes the template directory test/jest/global-setup.js made, if it made one.
const { rmSync } = require('node:fs');

module.exports = async function globalTeardown() {
  const dir = globalThis.__PASSERELLE_OWN_TEMPLATE_DIR__;
  if (dir) rmSync(dir, { recursive: true, force: true });
};
