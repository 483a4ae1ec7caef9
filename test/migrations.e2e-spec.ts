import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AppConfig } from '../src/config/app-config';
import { createDataSource } from '../src/database/data-source.factory';
import { createTestDatabase } from './support/test-database';

// The entities and the reviewed migrations must describe the same schema: generating a
// migration against the migrated database yields nothing, and every migration reverts.
describe('migrations', () => {
  let ds: DataSource;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    ds = await createDataSource(new AppConfig({ NODE_ENV: 'test', ...db.env }));
    await ds.initialize();
  });

  afterAll(async () => {
    await ds.destroy();
    await drop();
  });

  it('leave no difference between the entities and the database', async () => {
    await ds.runMigrations();
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('revert down to nothing and apply again', async () => {
    while ((await ds.query(`SELECT count(*)::int AS n FROM migrations`))[0].n > 0) {
      await ds.undoLastMigration();
    }
    const tables: { table_name: string }[] = await ds.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`,
    );
    expect(tables).toEqual([]);
    await ds.runMigrations();
    expect((await ds.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
  });

  it('refuse a post labelled below its space classification, in the database itself', async () => {
    await ds.query(
      `INSERT INTO organizations (id, name, kind, clearance_cap, status) VALUES ('00000000-0000-4000-8000-000000000001', 'H', 'HOST', 4, 'ACTIVE')`,
    );
    await ds.query(
      `INSERT INTO users (id, organization_id, email, display_name, clearance, status) VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'a@h.test', 'A', 4, 'ACTIVE')`,
    );
    await ds.query(
      `INSERT INTO spaces (id, name, classification, status, partner_visibility) VALUES ('00000000-0000-4000-8000-000000000003', 'S', 2, 'ACTIVE', 'OPEN')`,
    );
    await expect(
      ds.query(
        `INSERT INTO posts (space_id, author_id, author_organization_id, title, body, label) VALUES ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 't', 'b', 1)`,
      ),
    ).rejects.toThrow(/below its space classification/);
    await ds.query(
      `INSERT INTO posts (space_id, author_id, author_organization_id, title, body, label) VALUES ('00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 't', 'b', 2)`,
    );
    await expect(ds.query(`UPDATE spaces SET classification = 3`)).rejects.toThrow(/above a post label/);
  });

  it('keep the audit log append-only', async () => {
    await ds.query(
      `INSERT INTO audit_events (seq, id, occurred_at, action, outcome, prev_hash, hash) VALUES (1, gen_random_uuid(), now(), 'x', 'SUCCESS', '0', '1')`,
    );
    await expect(ds.query(`UPDATE audit_events SET action = 'y'`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
  });
});
