import { Injectable, Logger, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { AccessModule } from '../../access/access.module';
import { AppConfig } from '../../config/app-config';
import { SamlModule } from '../saml/saml.module';
import { ConnectionResolver } from './connection.resolver';
import { ConnectionRepository } from './connection.repository';
import { ConnectionService } from './connection.service';
import { MetadataFetcher } from './metadata-fetcher';
import { SpKeyService } from './sp-key.service';

const REFRESH_EVERY_MS = 6 * 3_600_000;

/** Re-reads every connection's metadata URL on a schedule (certificate rotation at the IdP). */
@Injectable()
export class MetadataRefreshScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MetadataRefreshScheduler.name);
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly config: AppConfig,
    private readonly connections: ConnectionService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.nodeEnv === 'test') return;
    this.timer = setInterval(() => void this.refreshAll(), REFRESH_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async refreshAll(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const id of await this.connections.connectionsWithMetadataUrl()) await this.connections.refreshMetadata(id);
    } catch (error) {
      this.logger.error(`metadata refresh round failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}

/** IdP connections: GraphQL management, metadata import and scheduled refresh. */
@Module({
  imports: [SamlModule, AccessModule],
  providers: [
    ConnectionService,
    ConnectionRepository,
    SpKeyService,
    ConnectionResolver,
    MetadataRefreshScheduler,
    MetadataFetcher,
  ],
  exports: [ConnectionService, ConnectionRepository, MetadataFetcher],
})
export class ConnectionsModule {}
