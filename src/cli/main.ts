import 'reflect-metadata';
import { runCli } from './cli-runner';

// `npm run cli -- <command>`; see cli-commands.ts for the commands and how to add one.
void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // A lingering handle (a pool, a timer) must not keep an admin command alive.
  setTimeout(() => process.exit(code), 2000).unref();
});
