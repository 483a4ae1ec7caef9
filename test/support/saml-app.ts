import 'reflect-metadata';
import { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import cookieParser from 'cookie-parser';
import { DataSource } from 'typeorm';
import { AuditModule } from '../../src/audit/audit.module';
import { Clock } from '../../src/common/clock';
import { GatewayExpressAdapter } from '../../src/common/gateway-express-adapter';
import { AppConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { DatabaseModule } from '../../src/database/database.module';
import { AuthModule } from '../../src/auth/auth.module';
import { SamlModule } from '../../src/sso/saml/saml.module';
import { TestClock } from './test-clock';

export const TEST_PUBLIC_URL = 'http://sp.passerelle.test';
export const TEST_SECRET_KEY = '5a'.repeat(32);

export interface SamlTestApp {
  app: INestApplication;
  http: ReturnType<INestApplication['getHttpServer']>;
  dataSource: DataSource;
  config: AppConfig;
  clock: TestClock;
  close(): Promise<void>;
}

/**
 * A gateway instance with the SAML modules (ConfigModule, DatabaseModule, AuditModule,
 * AuthModule, SamlModule and any extra modules), express with cookie-parser and no
 * global body parser. `shareDataSource` makes a second instance use the first one's
 * database (PGlite is in-process: two instances share it this way; with DATABASE_URL they
 * would share the server anyway).
 */
export async function startSamlApp(
  options: { env?: Record<string, string>; modules?: Type<unknown>[]; shareDataSource?: DataSource } = {},
): Promise<SamlTestApp> {
  const config = new AppConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: TEST_PUBLIC_URL,
    SECRET_KEY: TEST_SECRET_KEY,
    DEMO_IDP: 'false',
    ...options.env,
  });
  let builder = Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      DatabaseModule,
      AuditModule,
      AuthModule,
      SamlModule,
      ...(options.modules ?? []),
    ],
  })
    .overrideProvider(Clock)
    .useClass(TestClock);
  if (options.shareDataSource)
    builder = builder.overrideProvider(getDataSourceToken()).useValue(options.shareDataSource);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication(new GatewayExpressAdapter(), { bodyParser: false, logger: ['error'] });
  app.use(cookieParser());
  await app.init();
  const dataSource = moduleRef.get(DataSource);
  return {
    app,
    http: app.getHttpServer(),
    dataSource,
    config,
    clock: moduleRef.get(Clock) as TestClock,
    close: () => app.close(),
  };
}
