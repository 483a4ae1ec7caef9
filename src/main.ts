import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { AppConfig, ConfigError } from './config/app-config';

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = AppConfig.fromEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const where = config.embedded ? `embedded database ${config.dataDir ?? '(in memory)'}` : 'PostgreSQL';
  new Logger('Passerelle').log(`listening on ${config.publicUrl} (GraphQL at /graphql, ${where})`);
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`Passerelle failed to start: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});
