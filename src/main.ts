import 'reflect-metadata';
import { createServer } from 'node:net';
import { ConsoleLogger, INestApplication, Logger, LogLevel } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApp } from './app.factory';
import { AppConfig, ConfigError } from './config/app-config';
import { reachDatabase } from './database/reach-database';
import { describeUnreadableSecrets, findUnreadableSecrets } from './sso/stored-secrets.check';

/** A reason not to start, already one line naming what to change. */
class StartupError extends Error {}

async function bootstrap(): Promise<void> {
  const config = AppConfig.fromEnv();
  // What can be checked before Nest starts is checked first, each failure one line.
  if (config.databaseUrl) await reachDatabase(config.databaseUrl);
  await checkPortFree(config);
  const app = await createApp(config, { logger: startupLogger(config) });
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
  new Logger('Passerelle').log(`listening on ${config.publicUrl} (GraphQL at /graphql, ${where})`);
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
 * Nest's console logger, without colour codes unless writing to a terminal (and NO_COLOR
 * unset); the start-up failure itself is printed once, in one line, by bootstrap().
 */
function startupLogger(config: AppConfig): ConsoleLogger {
  const logLevels: LogLevel[] = config.nodeEnv === 'test' ? ['error'] : ['log', 'warn', 'error'];
  const colors = process.stdout.isTTY === true && !process.env.NO_COLOR;
  return new (class extends ConsoleLogger {
    override error(message: unknown, ...rest: unknown[]): void {
      if (rest[rest.length - 1] === 'ExceptionHandler') return;
      super.error(message, ...rest);
    }
  })({ logLevels, colors });
}

bootstrap().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? `Configuration error: ${error.message}`
      : `Passerelle failed to start: ${((error as Error)?.message ?? String(error)).replace(/\s*\n\s*/g, ' ')}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
