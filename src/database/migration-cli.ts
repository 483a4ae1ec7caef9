import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig, ConfigError } from '../config/app-config';
import { createDataSource } from './data-source.factory';

const USAGE = 'usage: migration-cli <generate NAME | run | revert | show>';

/**
 * `npm run migration:generate -- AddThing` writes migrations/<timestamp>-add-thing.ts from
 * the difference between the entities and the migrated database, for hand review;
 * `run` applies pending migrations; `revert` undoes the last one; `show` lists pending ones.
 */
async function main(argv: string[]): Promise<number> {
  const [command, name] = argv;
  const config = AppConfig.fromEnv({ MIGRATIONS_RUN: 'false', DEMO_SEED: 'false' });
  const ds = await createDataSource(config, { forMigrations: true });
  await ds.initialize();
  try {
    switch (command) {
      case 'run': {
        const applied = await ds.runMigrations({ transaction: 'each' });
        process.stdout.write(
          applied.length ? applied.map((m) => `applied ${m.name}\n`).join('') : 'no pending migration\n',
        );
        return 0;
      }
      case 'revert':
        await ds.undoLastMigration({ transaction: 'each' });
        process.stdout.write('reverted the last migration\n');
        return 0;
      case 'show': {
        const pending = await ds.showMigrations();
        process.stdout.write(pending ? 'there are pending migrations\n' : 'no pending migration\n');
        return 0;
      }
      case 'generate': {
        if (!name || !/^[A-Za-z][A-Za-z0-9]*$/.test(name)) {
          process.stderr.write('generate needs a PascalCase name, e.g. AddRiskOwnerIndex\n');
          return 2;
        }
        await ds.runMigrations({ transaction: 'each' });
        const log = await ds.driver.createSchemaBuilder().log();
        if (log.upQueries.length === 0) {
          process.stdout.write('the entities and the database agree: nothing to generate\n');
          return 0;
        }
        const stamp = Date.now();
        const kebab = name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
        const file = join(process.cwd(), 'migrations', `${stamp}-${kebab}.ts`);
        const lines = (qs: { query: string }[]) => qs.map((q) => `      ${JSON.stringify(q.query)},`).join('\n');
        writeFileSync(
          file,
          `import { MigrationInterface, QueryRunner } from 'typeorm';\n\n` +
            `/** Generated from the entities; review every statement before committing. */\n` +
            `export class ${name}${stamp} implements MigrationInterface {\n  name = '${name}${stamp}';\n\n` +
            `  async up(queryRunner: QueryRunner): Promise<void> {\n    for (const statement of [\n${lines(log.upQueries)}\n    ]) {\n      await queryRunner.query(statement);\n    }\n  }\n\n` +
            `  async down(queryRunner: QueryRunner): Promise<void> {\n    for (const statement of [\n${lines([...log.downQueries].reverse())}\n    ]) {\n      await queryRunner.query(statement);\n    }\n  }\n}\n`,
        );
        process.stdout.write(`wrote ${file}\nregister it in migrations/index.ts after review\n`);
        return 0;
      }
      default:
        process.stderr.write(`${USAGE}\n`);
        return 2;
    }
  } finally {
    await ds.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message =
      error instanceof ConfigError
        ? `Configuration error: ${error.message}`
        : `migration failed: ${(error as Error)?.message ?? String(error)}`;
    process.stderr.write(`${message}\n`);
    process.exit(1);
  },
);
