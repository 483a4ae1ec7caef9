import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// The lint rule that keeps tests able to fail (eslint.config.mjs, VACUOUS_ASSERTIONS) must
// flag each shape that lets an error response pass, and leave the safe ones alone. ESLint
// loads its ES-module configuration in a child process, outside Jest's module system; the
// project's own configuration is used, with only the rule under test switched on.
const ROOT = join(__dirname, '..');
const LINT = `
const { ESLint } = require('eslint');
const cases = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
(async () => {
  // Only the rule under test runs, so no type information is needed: no TypeScript program is built.
  const eslint = new ESLint({
    cwd: process.cwd(),
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
    ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-syntax',
  });
  const out = [];
  for (const c of cases) {
    const [r] = await eslint.lintText(c.code, { filePath: c.filePath });
    out.push({ fatal: r.messages.filter((m) => m.fatal).map((m) => m.message), restricted: r.messages.filter((m) => m.ruleId === 'no-restricted-syntax').length });
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`;

function lint(cases: { code: string; filePath: string }[]): { fatal: string[]; restricted: number }[] {
  const input = JSON.stringify(cases.map((c) => ({ ...c, filePath: join(ROOT, c.filePath) })));
  return JSON.parse(execFileSync(process.execPath, ['-e', LINT], { cwd: ROOT, input, encoding: 'utf8' }));
}

const VACUOUS: [string, string][] = [
  [
    '`?? []` before not.toContain',
    `expect(r.body.data?.feed.edges.map((e: any) => e.node.title) ?? []).not.toContain('Kickoff');`,
  ],
  ['`?? null` before toBeNull', `expect(r.body.data?.me ?? null).toBeNull();`],
  ['`|| []` before toEqual([])', `expect(r.body.data || []).toEqual([]);`],
  ['optional chain before not.toContain', `expect(r.body.data?.feed.edges).not.toContain('Kickoff');`],
  [
    'optional chain inside a negative matcher argument',
    `expect(JSON.stringify(r.body.data?.feed)).not.toMatch(/Kickoff/);`,
  ],
  ['optional chain before toBeUndefined', `expect(r.body.data?.secret).toBeUndefined();`],
  ['optional chain before toBeFalsy', `expect(r.body.data?.user.email).toBeFalsy();`],
];

const SAFE = [
  `import { expectData } from './support/graphql-expect';`,
  `declare const r: { status: number; body: { data?: any; errors?: any[] } };`,
  `expect(r.body.errors?.[0].extensions.code).toBe('NOT_FOUND');`,
  `const data = expectData(r);`,
  `expect(data.feed.edges.map((e: any) => e.node.title)).not.toContain('Kickoff');`,
  `expect(data.me?.id).toBe('x');`,
  ``,
].join('\n');

describe('lint guard against assertions that cannot fail', () => {
  const snippet = (line: string) => `declare const r: { body: { data?: any } };\n${line}\nexport {};\n`;
  let results: { fatal: string[]; restricted: number }[];

  beforeAll(() => {
    results = lint([
      ...VACUOUS.flatMap(([, line]) => [
        { code: snippet(line), filePath: 'test/read-api.e2e-spec.ts' },
        { code: snippet(line), filePath: 'src/access/ability.factory.spec.ts' },
      ]),
      { code: SAFE, filePath: 'test/read-api.e2e-spec.ts' },
    ]);
  }, 120_000);

  it.each(VACUOUS.map(([name], i) => [name, i]))('flags %s in e2e and unit tests', (_name, i) => {
    for (const r of [results[2 * i], results[2 * i + 1]])
      expect({ fatal: r.fatal, flagged: r.restricted > 0 }).toEqual({ fatal: [], flagged: true });
  });

  it('leaves positive assertions and the safe pattern alone', () => {
    expect(results[results.length - 1]).toEqual({ fatal: [], restricted: 0 });
  });
});
