import { Module } from '@nestjs/common';
import { DemoSeederService } from './demo-seeder.service';
import { WorldImportRepository } from './world-import.repository';
import { WorldImportService } from './world-import.service';

/** Loads whole worlds (files in the import format) and seeds the demo world on first start. */
@Module({ providers: [WorldImportRepository, WorldImportService, DemoSeederService], exports: [WorldImportService] })
export class WorldImportModule {}
