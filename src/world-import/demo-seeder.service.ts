import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import demoWorld from './demo-world.json';
import { WorldImportRepository } from './world-import.repository';
import { WorldImportService } from './world-import.service';

/** The demo world: a host, two partners, spaces of every kind and label, posts and comments. */
export const DEMO_WORLD: unknown = demoWorld;

/**
 * Loads the demo world on the first start of an empty embedded database, so a newcomer
 * has something to look at. PostgreSQL is never seeded on its own: `npm run cli -- demo`.
 */
@Injectable()
export class DemoSeederService implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoSeederService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly store: WorldImportRepository,
    private readonly worldImport: WorldImportService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demoSeed || !this.config.embedded) return;
    if ((await this.store.countOrganizations()) > 0) return;
    const { counts } = await this.worldImport.importWorld(DEMO_WORLD, { source: 'demo-world.json' });
    this.logger.log(
      `Demo world loaded into the empty embedded database: ${counts.organizations} organisations, ${counts.users} users, ${counts.spaces} spaces, ${counts.posts} posts`,
    );
  }
}
