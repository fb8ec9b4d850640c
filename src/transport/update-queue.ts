/**
 * Incoming updates, handled concurrently across chats and in order within one chat: each chat
 * (or user, for inline queries) has a FIFO chain, and a chat's next update waits for a slot of a
 * global semaphore that bounds how many updates are handled at once. The queue also bounds how
 * many updates wait in memory (the polling loop and the webhook hold back while it is full), and
 * drops an update it has already seen (Telegram redelivers after a timeout or a restart).
 *
 * (Bottleneck, which paces the outgoing calls, yields the event loop on every step and tops out at
 * a few hundred jobs a second; this plain promise chain has no such ceiling.)
 */
import type { Update } from 'telegraf/types';
import type { Logger } from '../logger.js';

/** Options of {@link createUpdateQueue}. */
export interface UpdateQueueOptions {
  /** Handles one update; what it throws is logged with the update id, never rethrown. */
  readonly handle: (update: Update) => Promise<void>;
  /** How many updates (of different chats) are handled at once. */
  readonly concurrency: number;
  /** How many accepted updates may be waiting or running before accept() waits. */
  readonly limit: number;
  readonly logger: Logger;
  /** How many recent update ids are remembered to drop redeliveries (default 10,000). */
  readonly rememberIds?: number;
}

/** What became of an update offered to the queue. */
export type Acceptance = 'accepted' | 'duplicate' | 'closed';

/** Per-chat ordered, globally bounded handling of updates. */
export interface UpdateQueue {
  /** Queues an update; waits while the queue is full. Resolves once the update is in the queue. */
  accept(update: Update): Promise<Acceptance>;
  /** Updates accepted and not yet handled. */
  readonly pending: number;
  /**
   * Accepts nothing more and waits up to `timeoutMs` for the accepted updates to be handled; the
   * ones still waiting then are never started. Resolves with their ids (empty when all were handled).
   */
  close(timeoutMs: number): Promise<number[]>;
}

/** The key updates are ordered by: their chat, else their user, else nothing (handled on their own). */
export function orderingKey(update: Update): string {
  try {
    const u = update as unknown as Record<string, Record<string, unknown> | undefined>;
    const body = Object.entries(u).find(
      ([k, v]) => k !== 'update_id' && v !== null && typeof v === 'object',
    )?.[1];
    const chat = (body?.chat ?? (body?.message as Record<string, unknown> | undefined)?.chat) as
      | { id?: unknown }
      | undefined;
    if (typeof chat?.id === 'number' || typeof chat?.id === 'string') return `chat:${chat.id}`;
    const from = (body?.from ?? body?.user) as { id?: unknown } | undefined;
    if (typeof from?.id === 'number') return `user:${from.id}`;
  } catch {
    // A malformed update is handled on its own.
  }
  return `update:${update.update_id}`;
}

/** Creates the queue. */
export function createUpdateQueue(options: UpdateQueueOptions): UpdateQueue {
  const { logger } = options;
  const remember = options.rememberIds ?? 10_000;
  const seen = new Set<number>();
  const waiting = new Set<number>();
  // The last update of each chat with work left: the next one of that chat starts after it.
  const tails = new Map<string, Promise<void>>();
  const spaceListeners: Array<() => void> = [];
  const idleListeners: Array<() => void> = [];
  const slotWaiters: Array<() => void> = [];
  let running = 0;
  let closed = false;
  let abandoned = false;

  const notify = () => {
    while (waiting.size < options.limit && spaceListeners.length > 0) spaceListeners.shift()?.();
    if (waiting.size === 0) for (const listener of idleListeners.splice(0)) listener();
  };

  async function slot(): Promise<void> {
    if (running < options.concurrency) {
      running++;
      return;
    }
    // The slot is handed over by release(), so `running` stays as it is.
    await new Promise<void>((resolve) => slotWaiters.push(resolve));
  }

  function release(): void {
    const next = slotWaiters.shift();
    if (next) next();
    else running--;
  }

  async function run(update: Update): Promise<void> {
    if (abandoned) return;
    await slot();
    try {
      if (!abandoned) await options.handle(update);
    } catch (err) {
      logger.error({ err, update_id: update.update_id }, 'update failed');
    } finally {
      release();
    }
  }

  return {
    get pending() {
      return waiting.size;
    },
    async accept(update) {
      if (closed) return 'closed';
      const id = update.update_id;
      if (seen.has(id)) {
        logger.debug({ update_id: id }, 'update delivered again; dropped');
        return 'duplicate';
      }
      while (waiting.size >= options.limit) {
        await new Promise<void>((resolve) => spaceListeners.push(resolve));
        if (closed) return 'closed';
      }
      seen.add(id);
      if (seen.size > remember) seen.delete(seen.values().next().value as number);
      waiting.add(id);
      const key = orderingKey(update);
      const job = (tails.get(key) ?? Promise.resolve()).then(() => run(update));
      tails.set(key, job);
      void job.finally(() => {
        if (tails.get(key) === job) tails.delete(key);
        waiting.delete(id);
        notify();
      });
      return 'accepted';
    },
    async close(timeoutMs) {
      closed = true;
      for (const listener of spaceListeners.splice(0)) listener();
      if (waiting.size > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          timer.unref();
          idleListeners.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      const left = [...waiting].sort((a, b) => a - b);
      // Those not started yet are skipped; those running finish on their own.
      abandoned = true;
      return left;
    },
  };
}
