import { CliCommand, CliIo } from './cli-command';
import { CliException } from './cli.exception';

const FILTER_FLAGS = ['actor', 'organization', 'space', 'action', 'decision', 'from', 'to'] as const;

/**
 * `audit export [--format jsonl|csv] [--actor id] [--organization id] [--space id] [--action a]
 * [--decision SUCCESS|FAILURE|DENIED] [--from iso] [--to iso] [--out file]`: the whole log (the
 * command line reads everything), streamed in chain order; audited `audit.export`.
 * `audit verify [--json]`: walks the chain and the anchors; exits 1 naming the first break.
 * `audit anchor`: writes a signed anchor of the chain's head now.
 */
export const auditCommand: CliCommand = {
  name: 'audit',
  usage:
    'audit export [--format jsonl|csv] [--actor id] [--organization id] [--space id] [--action a] [--decision d] [--from iso] [--to iso] [--out file] | audit verify [--json] | audit anchor',
  summary:
    'The audit log: export it (JSON Lines or CSV, streamed), verify its hash chain and anchors (exit 1 naming the first altered, deleted, inserted or reordered row), or anchor its head now',
  options: {
    format: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
    ...Object.fromEntries(FILTER_FLAGS.map((f) => [f, { type: 'string' as const }])),
  },
  positionals: { min: 1, max: 1 },
  imports: async () => [(await import('../audit-log/audit-log.module')).AuditLogStoreModule],
  async run({ args, flags, io, app }) {
    const [sub] = args;
    switch (sub) {
      case 'export':
        return exportLog(flags, io, app);
      case 'verify':
        return verifyLog(flags, io, app);
      case 'anchor':
        return anchorLog(io, app);
      default:
        throw CliException.usage(
          `audit takes export, verify or anchor, got "${sub}"; usage: npm run cli -- ${auditCommand.usage}`,
        );
    }
  },
};

type Flags = Record<string, string | boolean | undefined>;
type App = () => Promise<import('@nestjs/common').INestApplicationContext>;

async function exportLog(flags: Flags, io: CliIo, app: App): Promise<void> {
  const { parseAuditLogFilter, describeFilter } = await import('../audit-log/audit-log-filter');
  const { AuditLogExporter, parseExportFormat } = await import('../audit-log/audit-log-exporter');
  const { AuditLogException } = await import('../audit-log/audit-log.exception');
  let filter: ReturnType<typeof parseAuditLogFilter>;
  let format: ReturnType<typeof parseExportFormat>;
  try {
    filter = parseAuditLogFilter(Object.fromEntries(FILTER_FLAGS.map((f) => [f, flags[f]])));
    format = parseExportFormat(flags.format);
  } catch (error) {
    if (error instanceof AuditLogException) throw CliException.badInput(`--${error.message}`);
    throw error;
  }
  const context = await app();
  const { AuditService } = await import('../audit/audit.service');
  const started = await context.get(AuditLogExporter).start(null, filter, { full: true }, format);
  await context.get(AuditService).record({
    action: 'audit.export',
    outcome: 'SUCCESS',
    actorId: null,
    details: { via: 'cli', format, filter: describeFilter(filter), upTo: started.upTo, view: 'full' },
  });
  if (typeof flags.out === 'string') {
    const { createWriteStream } = await import('node:fs');
    const { Readable } = await import('node:stream');
    const { pipeline } = await import('node:stream/promises');
    try {
      await pipeline(Readable.from(started.chunks), createWriteStream(flags.out));
    } catch (error) {
      throw CliException.badInput(`--out: cannot write "${flags.out}": ${(error as Error).message}`);
    }
    io.err(`exported the audit log up to seq ${started.upTo} to ${flags.out}`);
    return;
  }
  for await (const chunk of started.chunks) {
    io.out(chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk);
    // Wait for a slow reader rather than buffering the log in memory.
    if (process.stdout.writableNeedDrain) await new Promise((resolve) => process.stdout.once('drain', resolve));
  }
}

async function verifyLog(flags: Flags, io: CliIo, app: App): Promise<void> {
  const context = await app();
  const { AuditService } = await import('../audit/audit.service');
  const audit = context.get(AuditService);
  const result = await audit.verifyChain();
  await audit.record({
    action: 'audit.verify',
    outcome: result.ok ? 'SUCCESS' : 'FAILURE',
    actorId: null,
    reason: result.problem ? result.problem.kind.toLowerCase() : null,
    details: { via: 'cli', events: result.events, anchors: result.anchors, problem: result.problem ?? null },
  });
  if (flags.json === true) io.out(JSON.stringify(result));
  if (result.problem) {
    const p = result.problem;
    throw CliException.badInput(
      `audit chain broken: ${p.kind} at seq ${p.seq}${p.eventId ? ` (event ${p.eventId})` : ''}: ${p.message}`,
      { problem: p },
    );
  }
  if (flags.json !== true) {
    io.out(
      `audit chain intact: ${result.events} events, head seq ${result.head?.seq ?? 0}${result.head ? ` hash ${result.head.hash}` : ''}, ${result.anchors} anchors checked`,
    );
  }
}

async function anchorLog(io: CliIo, app: App): Promise<void> {
  const context = await app();
  const { AuditService } = await import('../audit/audit.service');
  const audit = context.get(AuditService);
  const anchor = await audit.anchor();
  if (!anchor) {
    io.out('the audit log is empty: nothing to anchor');
    return;
  }
  await audit.record({
    action: 'audit.anchor',
    outcome: 'SUCCESS',
    actorId: null,
    details: { via: 'cli', anchorId: anchor.id, seq: anchor.seq, hash: anchor.hash },
  });
  io.out(`anchored seq ${anchor.seq} hash ${anchor.hash} (anchor ${anchor.id}, hmac ${anchor.signature})`);
}
