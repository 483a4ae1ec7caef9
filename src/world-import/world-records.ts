import { MAX_LEVEL } from '../common/domain.enums';
import { KeyedType, worldId } from './world-id';
import { WORLD_SECTIONS, WorldSection } from './world.types';
import { isUuid } from '../common/ids';

// Reading the records of a world: typed fields, problems named after their record.

// Past this many, more problems only hide the first ones.
const MAX_PROBLEMS = 50;

const FIELDS: Record<WorldSection, { required: string[]; optional: string[] }> = {
  organizations: { required: ['key', 'name', 'kind', 'clearanceCap'], optional: ['id', 'domains', 'status'] },
  users: {
    required: ['key', 'organization', 'email', 'displayName', 'clearance'],
    optional: ['id', 'status', 'roles', 'skills', 'jobTitle', 'bio'],
  },
  spaces: {
    required: ['key', 'name', 'classification', 'partnerVisibility'],
    optional: ['id', 'purpose', 'status', 'risks'],
  },
  memberships: { required: ['user', 'space', 'role'], optional: ['expiresAt', 'status', 'sponsor'] },
  posts: { required: ['key', 'space', 'author', 'title', 'body'], optional: ['id', 'label', 'hidden', 'createdAt'] },
  comments: { required: ['key', 'post', 'author', 'body'], optional: ['id', 'createdAt'] },
  reactions: { required: ['author', 'emoji'], optional: ['post', 'comment', 'createdAt'] },
};

/** The fields of a risk entry, given inside its space. */
export const RISK_FIELDS: ReadonlySet<string> = new Set([
  'key',
  'description',
  'probability',
  'impact',
  'owner',
  'mitigation',
  'status',
]);

const KNOWN_FIELDS = new Map<WorldSection, ReadonlySet<string>>(
  WORLD_SECTIONS.map((section) => [section, new Set([...FIELDS[section].required, ...FIELDS[section].optional])]),
);

export const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
export const EMAIL = /^[^\s@]+@([^\s@]+)$/;
// An instant must say its time zone; a bare date is midnight UTC.
const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/i;
// Or relative to the import, an ISO 8601 duration with a sign: "-P3DT2H" is 3 days and 2 hours before.
const RELATIVE = /^([+-])P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/i;
const RELATIVE_UNITS_MS = [7 * 86_400_000, 86_400_000, 3_600_000, 60_000];

export type Raw = Record<string, unknown>;

export class Problems {
  readonly list: string[] = [];
  /** How many were found, the ones past MAX_PROBLEMS included. */
  total = 0;
  /** Worth telling, not worth refusing a file for: the file is still imported. */
  readonly warnings: string[] = [];

  warn(message: string): void {
    if (this.warnings.length < MAX_PROBLEMS) this.warnings.push(message);
  }

  add(message: string): void {
    this.total++;
    if (this.list.length < MAX_PROBLEMS) this.list.push(message);
  }
}

/** One record being read: reports problems under its path and reads typed fields. */
export class RecordReader {
  constructor(
    readonly path: string,
    private readonly raw: Raw,
    private readonly problems: Problems,
    /** The instant of the import, which relative instants ("-P3D") count from. */
    private readonly now: Date = new Date(),
  ) {}

  /** A reader for an object nested in this record (a space's risk entry). */
  nested(path: string, raw: Raw): RecordReader {
    return new RecordReader(`${this.path}.${path}`, raw, this.problems, this.now);
  }

  /** The raw value of a field, for nested records. */
  value(field: string): unknown {
    return this.raw[field];
  }

  problem(message: string): void {
    this.problems.add(`${this.path}: ${message}`);
  }

  has(field: string): boolean {
    return this.raw[field] !== undefined;
  }

  /** A required, non-blank string, trimmed. */
  text(field: string): string {
    const v = this.raw[field];
    if (typeof v !== 'string' || v.trim() === '') {
      this.problem(`${field} is required (a non-empty string)${v === undefined ? '' : `, got ${show(v)}`}`);
      return '';
    }
    return v.trim();
  }

  /** A required string that may be empty. */
  string(field: string): string {
    const v = this.raw[field];
    if (typeof v !== 'string') {
      this.problem(`${field} is required (a string)${v === undefined ? '' : `, got ${show(v)}`}`);
      return '';
    }
    return v.trim();
  }

  /** Undefined when absent, null when null or blank. */
  nullableText(field: string): string | null | undefined {
    const v = this.raw[field];
    if (v === undefined) return undefined;
    if (v !== null && typeof v !== 'string') {
      this.problem(`${field} must be a string or null, got ${show(v)}`);
      return undefined;
    }
    return v?.trim() || null;
  }

  /** A string that may be empty; `fallback` when absent. */
  optionalText(field: string, fallback: string): string {
    const v = this.raw[field];
    if (v === undefined) return fallback;
    if (typeof v !== 'string') {
      this.problem(`${field} must be a string, got ${show(v)}`);
      return fallback;
    }
    return v.trim();
  }

  level(field: string, what: string): number {
    const v = this.raw[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_LEVEL) {
      this.problem(`${what} must be a whole number from 0 to ${MAX_LEVEL}, got ${show(v)}`);
      // NaN compares false with every level: no second, misleading problem.
      return Number.NaN;
    }
    return v;
  }

  oneOf<T extends string>(field: string, values: Record<string, T>, fallback?: T): T {
    const v = this.raw[field];
    if (v === undefined && fallback !== undefined) return fallback;
    const allowed = Object.values(values);
    if (typeof v !== 'string' || !allowed.includes(v as T)) {
      this.problem(`${field} must be one of ${allowed.join(', ')}, got ${show(v)}`);
      // Matches no rule below: no second, misleading problem.
      return v as T;
    }
    return v as T;
  }

  bool(field: string, fallback: boolean): boolean {
    const v = this.raw[field];
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') {
      this.problem(`${field} must be true or false, got ${show(v)}`);
      return fallback;
    }
    return v;
  }

  strings(field: string): string[] {
    const v = this.raw[field];
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s.trim() === '')) {
      this.problem(`${field} must be a list of non-empty strings, got ${show(v)}`);
      return [];
    }
    return [...new Set((v as string[]).map((s) => s.trim()))];
  }

  /**
   * An ISO 8601 instant, or a signed duration from the import's instant ("-P14DT3H");
   * undefined when absent, null when given as null and `nullable`.
   */
  instant(field: string, nullable: boolean): Date | null | undefined {
    const v = this.raw[field];
    if (v === undefined) return undefined;
    if (v === null && nullable) return null;
    const relative = typeof v === 'string' ? RELATIVE.exec(v) : null;
    if (relative && relative.slice(2).some((n) => n !== undefined)) {
      const ms = relative
        .slice(2)
        .reduce((sum, n, i) => sum + (n === undefined ? 0 : Number(n) * RELATIVE_UNITS_MS[i]), 0);
      return new Date(this.now.getTime() + (relative[1] === '-' ? -ms : ms));
    }
    const date = typeof v === 'string' && INSTANT.test(v) ? new Date(v) : null;
    if (!date || Number.isNaN(date.getTime())) {
      this.problem(
        `${field} must be an ISO 8601 date-time with a time zone (e.g. 2026-03-01T09:00:00Z) or a signed duration from the import (e.g. -P3DT2H), got ${show(v)}`,
      );
      return undefined;
    }
    return date;
  }

  /** Whether a field holds a relative instant ("-P3D"): the stored value is then kept on re-import. */
  relative(field: string): boolean {
    const v = this.raw[field];
    return typeof v === 'string' && RELATIVE.test(v);
  }

  /** The record's own id (kept) or a deterministic one from its key. */
  id(type: KeyedType, key: string): string {
    const v = this.raw.id;
    if (v === undefined) return worldId(type, key);
    if (!isUuid(v)) {
      this.problem(`id must be a UUID, got ${show(v)}`);
      return worldId(type, key);
    }
    return v.toLowerCase();
  }

  unknownFields(section: WorldSection | ReadonlySet<string>): void {
    const known = typeof section === 'string' ? (KNOWN_FIELDS.get(section) as ReadonlySet<string>) : section;
    for (const field of Object.keys(this.raw)) {
      // Other tools' extra fields are ignored, but named: a typo ("hiden") must not pass silently.
      if (!known.has(field))
        this.problems.warn(`${this.path}: unknown field "${field}" ignored (expected ${[...known].join(', ')})`);
    }
  }
}

/** The records of one section by key; a key appears once per section. */
export class Keyed<T extends { key: string; path: string }> {
  readonly list: T[] = [];
  private readonly byKey = new Map<string, T>();

  constructor(private readonly problems: Problems) {}

  add(record: T): void {
    this.list.push(record);
    if (!record.key) return;
    const other = this.byKey.get(record.key);
    if (other) this.problems.add(`${record.path}: key ${show(record.key)} is already used by ${other.path}`);
    else this.byKey.set(record.key, record);
  }

  get(key: string): T | undefined {
    return this.byKey.get(key);
  }

  /** Resolves a reference field of `r` to a record of this section, reporting a missing one. */
  ref(r: RecordReader, field: string): T | undefined {
    const key = r.text(field);
    if (!key) return undefined;
    const found = this.byKey.get(key);
    if (!found) r.problem(`${field} ${show(key)} is not defined`);
    return found;
  }
}

export function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value as it appears in a message, cut short. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
