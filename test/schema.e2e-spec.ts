import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { printAppSchema } from '../src/graphql/print-schema';
import { startTestApp, TestApp } from './support/test-app';

// The committed SDL is the API contract clients and reviewers read: it must be current.
describe('schema/schema.graphql', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('matches the schema the gateway serves (run `npm run schema:generate` after an API change)', () => {
    const committed = readFileSync(join(__dirname, '..', 'schema', 'schema.graphql'), 'utf8');
    expect(printAppSchema(t.app)).toBe(committed);
  });
});
