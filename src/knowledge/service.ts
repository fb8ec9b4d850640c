/**
 * The knowledge in service, reloaded without a restart: the folder is watched (and `reload()` is what
 * SIGHUP calls); a valid change is served from the next question on, an invalid one is rejected with
 * one log line naming the file and the field, and the knowledge in service stays as it was.
 *
 * A reload is all or nothing: the new knowledge is loaded and validated and its engine built in full
 * before one assignment swaps both in. Bursts of events (an editor saving through a temporary file
 * and a rename, several files copied at once) are debounced into one reload of the final state.
 */
import { createHash } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { AnswerEngine } from '../engine/answer.js';
import { type Knowledge, KnowledgeError, loadKnowledge } from './load.js';

/** What the service logs through: a pino logger, or anything with the same three methods. */
export type ServiceLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

/** Options of {@link createKnowledgeService}. */
export interface KnowledgeServiceOptions<E = AnswerEngine> {
  readonly dir: string;
  readonly logger: ServiceLogger;
  /** Builds the engine for a knowledge base (createAnswerEngine); may throw to reject it. */
  readonly buildEngine: (knowledge: Knowledge) => E;
  /** Watch the folder and reload on change (default true). */
  readonly watch?: boolean;
  /** Quiet time after the last change before reloading, in ms (default 300). */
  readonly debounceMs?: number;
}

/** Sent after a reload that put new knowledge in service. */
export interface ReloadedEvent<E = AnswerEngine> {
  readonly reason: string;
  readonly knowledge: Knowledge;
  readonly engine: E;
}

/** Sent after a reload that was rejected; the previous knowledge stays in service. */
export interface RejectedEvent {
  readonly reason: string;
  readonly error: Error;
}

/** The knowledge and engine in service, and their reloading. */
export interface KnowledgeService<E = AnswerEngine> {
  /** The engine in service: ask for it per question, so that a reload is seen by the next one. */
  engine(): E;
  /** The knowledge in service. */
  knowledge(): Knowledge;
  /**
   * Reloads the folder now (SIGHUP). Resolves true when the folder's knowledge is in service
   * afterwards (new, or unchanged), false when it was rejected and the previous one stays.
   */
  reload(reason: string): Promise<boolean>;
  /** Stops watching; safe to call twice. */
  close(): void;
  on(event: 'reloaded', listener: (e: ReloadedEvent<E>) => void): () => void;
  on(event: 'rejected', listener: (e: RejectedEvent) => void): () => void;
}

const DEFAULT_DEBOUNCE_MS = 300;
// Editors' and tools' scratch files: a change to them is not a change of the knowledge.
const SCRATCH =
  /(?:^|[/\\])(?:\.#|#)[^/\\]*$|~$|\.sw[a-p]x?$|(?:^|[/\\])4913$|\.(?:tmp|temp|bak|part)$|\.DS_Store$/i;
const MAX_REWATCH_MS = 30_000;

/**
 * Loads the knowledge of `dir` and keeps it in service. Throws the KnowledgeError when the first
 * load fails: a bot must not start without knowledge.
 */
export function createKnowledgeService<E = AnswerEngine>(
  options: KnowledgeServiceOptions<E>,
): KnowledgeService<E> {
  const dir = resolve(options.dir);
  const { logger, buildEngine } = options;
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;

  const first = loadKnowledge(dir);
  let current = { knowledge: first, engine: buildEngine(first), signature: signatureOf(first) };

  const listeners = {
    reloaded: new Set<(e: ReloadedEvent<E>) => void>(),
    rejected: new Set<(e: RejectedEvent) => void>(),
  };
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  let rewatchTimer: NodeJS.Timeout | undefined;
  let rewatchDelay = 500;
  let closed = false;
  let pending: string[] = [];

  const notify = <T>(set: ReadonlySet<(e: T) => void>, event: string, payload: T) => {
    for (const listener of set) {
      try {
        listener(payload);
      } catch (err) {
        logger.warn({ err, event }, 'a knowledge service listener failed');
      }
    }
  };

  const reloadNow = (reason: string): boolean => {
    let next: typeof current;
    try {
      const knowledge = loadKnowledge(dir);
      const signature = signatureOf(knowledge);
      if (signature === current.signature) {
        logger.info({ dir, reason }, 'knowledge unchanged');
        return true;
      }
      // Build the engine before anything is swapped: a failure here leaves the service as it was.
      next = { knowledge, engine: buildEngine(knowledge), signature };
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      const problems = err instanceof KnowledgeError ? err.problems : undefined;
      logger.error(
        { dir, reason, ...(problems ? { problems } : { err: error }) },
        `knowledge reload rejected, still serving the previous knowledge: ${oneLine(error.message)}`,
      );
      notify(listeners.rejected, 'rejected', { reason, error });
      return false;
    }
    current = next;
    logger.info(
      { dir, reason, articles: next.knowledge.articles.map((a) => a.file) },
      'knowledge reloaded: serving the new knowledge from the next question on',
    );
    notify(listeners.reloaded, 'reloaded', { reason, knowledge: next.knowledge, engine: next.engine });
    return true;
  };

  const schedule = (what: string) => {
    if (closed) return;
    if (!pending.includes(what)) pending.push(what);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      const files = pending;
      pending = [];
      reloadNow(
        `changed: ${files.slice(0, 5).join(', ')}${files.length > 5 ? ` (+${files.length - 5})` : ''}`,
      );
    }, debounceMs);
    timer.unref?.();
  };

  const startWatching = () => {
    if (closed) return;
    try {
      watcher = watch(dir, { recursive: true }, (_event, filename) => {
        const name = filename ? String(filename) : '';
        if (name && SCRATCH.test(name)) return;
        schedule(name || dir);
      });
      rewatchDelay = 500;
      watcher.on('error', (err) => {
        // The folder was removed or replaced: watch it again when it is back, and reload then.
        logger.warn({ dir, err }, 'knowledge folder watch failed; watching again shortly');
        stopWatching();
        rewatch();
      });
    } catch (err) {
      logger.warn({ dir, err }, 'cannot watch the knowledge folder; retrying (SIGHUP reloads meanwhile)');
      rewatch();
    }
  };
  const stopWatching = () => {
    watcher?.close();
    watcher = undefined;
  };
  const rewatch = () => {
    if (closed || rewatchTimer) return;
    rewatchTimer = setTimeout(() => {
      rewatchTimer = undefined;
      startWatching();
      if (watcher) schedule('(folder watched again)');
    }, rewatchDelay);
    rewatchTimer.unref?.();
    rewatchDelay = Math.min(rewatchDelay * 2, MAX_REWATCH_MS);
  };

  if (options.watch ?? true) startWatching();

  return {
    engine: () => current.engine,
    knowledge: () => current.knowledge,
    reload: async (reason) => {
      // A pending debounced reload is covered by this one.
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
        pending = [];
      }
      return reloadNow(reason);
    },
    close: () => {
      closed = true;
      if (timer) clearTimeout(timer);
      if (rewatchTimer) clearTimeout(rewatchTimer);
      timer = undefined;
      rewatchTimer = undefined;
      stopWatching();
    },
    on: ((event: 'reloaded' | 'rejected', listener: (e: never) => void) => {
      const set = listeners[event] as Set<(e: never) => void>;
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    }) as KnowledgeService<E>['on'],
  };
}

/** A fingerprint of a knowledge base's content, to tell a real change from a touched file. */
function signatureOf(knowledge: Knowledge): string {
  const hash = createHash('sha256');
  for (const a of knowledge.articles) hash.update(JSON.stringify(a)).update('\0');
  return hash.digest('hex');
}

/** A KnowledgeError's message lists one problem a line; a log line is one line. */
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' | ');
}
