/**
 * The unanswered-question log: one JSON line per question the bot declined or asked back on, so that
 * maintainers see which knowledge is missing (`npm run unanswered`). It holds the question, the time,
 * the chat type and the engine's verdict — never who asked (no user or chat ids, no names).
 *
 * Bounded: past `maxEntries` lines (plus a little slack, so that trimming is rare) the file is
 * rewritten with the newest `maxEntries`. Robust: a failing write is logged once and the question is
 * dropped; it never throws into the bot. Writes are single small appends to an open file.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** One declined or asked-back question, as recorded. */
export interface UnansweredRecord {
  /** ISO 8601. */
  readonly time: string;
  readonly question: string;
  /** private, group, supergroup (or cli). */
  readonly chatType: string;
  readonly kind: 'none' | 'ambiguous';
  /** Why it was declined (off-topic, not-reported …). */
  readonly reason?: string;
  /** The best candidate entry and its score. */
  readonly best?: { readonly id: string; readonly score: number };
}

/** Options of {@link createUnansweredLog}. */
export interface UnansweredLogOptions {
  /** The JSONL file; its folder is created on the first write. */
  readonly path: string;
  /** The most lines kept (default 5000): the newest ones. */
  readonly maxEntries?: number;
  /** Where a write failure is reported (once): a pino logger will do; default: one line on stderr. */
  readonly logger?: UnansweredLogLogger;
}

/** The two logger methods the log uses (a pino logger has them). */
export interface UnansweredLogLogger {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

/** The log of unanswered questions. */
export interface UnansweredLog {
  /** Appends one question; never throws. Fields other than those of UnansweredRecord are not written. */
  record(event: UnansweredRecord): void;
  /** Closes the file; later records are dropped. Safe to call twice. */
  close(): void;
}

/** The default path, relative to the working folder (data/ is git-ignored). */
export const DEFAULT_UNANSWERED_LOG = 'data/unanswered.jsonl';
/** The longest question text kept, in characters. */
export const MAX_QUESTION_LENGTH = 500;

/** The log's path from the environment: UNANSWERED_LOG, or data/unanswered.jsonl; undefined when set to "off". */
export function unansweredLogPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env.UNANSWERED_LOG?.trim();
  if (value && /^(?:off|none|false|0)$/i.test(value)) return undefined;
  return value || DEFAULT_UNANSWERED_LOG;
}

/** Opens (or creates) the unanswered-question log at `options.path`. */
export function createUnansweredLog(options: UnansweredLogOptions): UnansweredLog {
  const { path } = options;
  const maxEntries = Math.max(1, options.maxEntries ?? 5000);
  const slack = Math.max(1, Math.ceil(maxEntries / 10));
  const warn = (err: unknown, message: string) => {
    if (options.logger) options.logger.warn({ err, path }, message);
    else process.stderr.write(`${message}: ${err instanceof Error ? err.message : String(err)}\n`);
  };

  let fd: number | undefined;
  let lines: number | undefined;
  let failing = false;
  let closed = false;

  const open = () => {
    if (fd !== undefined) return fd;
    mkdirSync(dirname(path), { recursive: true });
    lines ??= countLines(path);
    fd = openSync(path, 'a');
    return fd;
  };

  /** Rewrites the file with its newest `maxEntries` lines (through a temporary file and a rename). */
  const trim = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
    const kept = readFileSync(path, 'utf8').split('\n').filter(Boolean).slice(-maxEntries);
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, kept.length > 0 ? `${kept.join('\n')}\n` : '');
    renameSync(temp, path);
    lines = kept.length;
  };

  return {
    record(event) {
      if (closed) return;
      try {
        const line = `${JSON.stringify(recordOf(event))}\n`;
        writeSync(open(), line);
        lines = (lines ?? 0) + 1;
        if (lines > maxEntries + slack) trim();
        if (failing) options.logger?.info({ path }, 'unanswered-question log writable again');
        failing = false;
      } catch (err) {
        // One line per outage, not one per question; the bot's reply does not depend on this.
        if (!failing) warn(err, 'cannot write the unanswered-question log; questions are not recorded');
        failing = true;
        if (fd !== undefined) {
          try {
            closeSync(fd);
          } catch {
            // Already unusable.
          }
          fd = undefined;
        }
      }
    },
    close() {
      closed = true;
      if (fd === undefined) return;
      try {
        closeSync(fd);
      } catch {
        // Closing twice or after a failure: nothing left to do.
      }
      fd = undefined;
    },
  };
}

/** Only the fields of a record, in a fixed order; the question is cut to MAX_QUESTION_LENGTH. */
function recordOf(event: UnansweredRecord): UnansweredRecord {
  return {
    time: String(event.time),
    question: String(event.question).slice(0, MAX_QUESTION_LENGTH),
    chatType: String(event.chatType),
    kind: event.kind,
    ...(event.reason !== undefined ? { reason: String(event.reason) } : {}),
    ...(event.best ? { best: { id: String(event.best.id), score: Number(event.best.score) } } : {}),
  };
}

function countLines(path: string): number {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

/** Reads a log file: the records, and how many lines could not be read. */
export function readUnansweredLog(path: string): { records: UnansweredRecord[]; skipped: number } {
  const records: UnansweredRecord[] = [];
  let skipped = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as Partial<UnansweredRecord>;
      if (typeof r.question === 'string' && (r.kind === 'none' || r.kind === 'ambiguous')) {
        records.push({
          time: typeof r.time === 'string' ? r.time : '',
          question: r.question,
          chatType: typeof r.chatType === 'string' ? r.chatType : 'unknown',
          kind: r.kind,
          ...(typeof r.reason === 'string' ? { reason: r.reason } : {}),
          ...(r.best && typeof r.best.id === 'string'
            ? { best: { id: r.best.id, score: Number(r.best.score) } }
            : {}),
        });
      } else skipped++;
    } catch {
      // A line cut short by a crash, or written by something else.
      skipped++;
    }
  }
  return { records, skipped };
}
