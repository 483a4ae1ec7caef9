import 'reflect-metadata';
import { runCli } from './cli-runner';

// `npm run -s cli -- <command>`; see cli-commands.ts for the commands and how to add one.
// A reader that stops early (`| head`) ends the output, not with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // A lingering handle (a pool, a timer) must not keep an admin command alive.
  setTimeout(() => process.exit(code), 2000).unref();
});
