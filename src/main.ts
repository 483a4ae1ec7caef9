import 'reflect-metadata';
import { createServer } from 'node:net';
import { INestApplication, Logger } from '@nestjs/common';
import { Logger as PinoNestLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { createApp } from './app.factory';
import { AppConfig, ConfigError } from './config/app-config';
import { reachDatabase } from './database/reach-database';
import { GracefulShutdown } from './observability/graceful-shutdown';
import { loggerParams } from './observability/logging';
import { inWorkerPool, runWorkerPool } from './observability/worker-pool';
import { describeUnreadableSecrets, findUnreadableSecrets } from './sso/stored-secrets.check';

/** A reason not to start, already one line naming what to change. */
class StartupError extends Error {}

async function bootstrap(): Promise<void> {
  const config = AppConfig.fromEnv();
  // What can be checked before Nest starts is checked first, each failure one line (in a
  // pool of workers, by the primary, before it starts them).
  if (!inWorkerPool()) {
    if (config.databaseUrl) await reachDatabase(config.databaseUrl);
    await checkPortFree(config);
  }
  if (config.workers > 1 && !inWorkerPool()) {
    const log = jsonLogger(config);
    const code = await runWorkerPool(config, {
      info: (message) => log.log(message, 'Passerelle'),
      error: (message) => log.error(message, 'Passerelle'),
    });
    process.exit(code);
  }
  const app = await createApp(config, { logger: jsonLogger(config) });
  await app.init();
  const unreadable = await findUnreadableSecrets(app.get(DataSource), config.secretKey);
  if (unreadable.connections.length > 0) await stop(app, describeUnreadableSecrets(unreadable));
  try {
    await app.listen(config.port, config.host);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') await stop(app, portInUse(config));
    throw error;
  }
  const where = config.embedded ? `embedded database ${config.dataDir ?? '(in memory)'}` : 'PostgreSQL';
  const logger = new Logger('Passerelle');
  logger.log(`listening on ${config.publicUrl} (GraphQL at /graphql, ${where})`);
  handleSignals(new GracefulShutdown(app, app.getHttpServer(), config.shutdownTimeoutMs, logger));
}

/** SIGTERM or SIGINT: drain, close, exit 0 (1 past SHUTDOWN_TIMEOUT_MS). A second signal exits at once. */
function handleSignals(shutdown: GracefulShutdown): void {
  let started = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) process.exit(1);
    started = true;
    void shutdown.run(signal).then((code) => process.exit(code));
  };
  process.on('SIGTERM', onSignal);
  // A pool's worker drains when its primary tells it to (SIGTERM); a terminal's Ctrl-C, sent to
  // the whole process group, reaches the primary, which tells it.
  process.on('SIGINT', inWorkerPool() ? () => undefined : onSignal);
}

async function stop(app: INestApplication, message: string): Promise<never> {
  await app.close().catch(() => undefined);
  throw new StartupError(message);
}

function portInUse(config: AppConfig): string {
  return `PORT: ${config.host}:${config.port} is already in use (another gateway running?); stop it or set PORT`;
}

/** Before anything is logged as started: is the port free? (listen checks again.) */
function checkPortFree(config: AppConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new StartupError(portInUse(config))
          : new StartupError(
              `HOST, PORT: cannot listen on ${config.host}:${config.port} (${error.code ?? error.message})`,
            ),
      );
    });
    probe.listen(config.port, config.host, () => probe.close(() => resolve()));
  });
}

/**
 * JSON lines on stdout through pino (the same logger nestjs-pino gives the request lines),
 * at LOG_LEVEL; the start-up failure itself is printed once, in one line on stderr, by
 * bootstrap(), so Nest's own report of it is left out.
 */
function jsonLogger(config: AppConfig): PinoNestLogger {
  const params = loggerParams(config, process.stdout);
  return new (class extends PinoNestLogger {
    override error(message: unknown, ...rest: unknown[]): void {
      if (rest[rest.length - 1] === 'ExceptionHandler') return;
      super.error(message, ...rest);
    }
  })(new PinoLogger(params), params);
}

bootstrap().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? `Configuration error: ${error.message}`
      : `Passerelle failed to start: ${((error as Error)?.message ?? String(error)).replace(/\s*\n\s*/g, ' ')}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
