import { WORKLOADS } from '../workloads';
import { startFloor } from './server';

// `node dist/test/bench/floor/main.js`: the floor as its own process (the benchmark measures
// its CPU like the gateway's). DATABASE_URL and PORT; prints "listening" when ready.
const databaseUrl = process.env.DATABASE_URL;
const port = Number(process.env.PORT);
if (!databaseUrl || !Number.isInteger(port)) {
  process.stderr.write('floor: DATABASE_URL and PORT are required\n');
  process.exit(2);
}
// The same pool size as the gateway it is compared with (the benchmark passes the gateway's).
const poolSize = Number(process.env.DATABASE_POOL_SIZE ?? 20);
void startFloor(
  databaseUrl,
  port,
  WORKLOADS.map((w) => w.floor),
  poolSize,
).then((floor) => {
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
  const stop = () => void floor.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
});
