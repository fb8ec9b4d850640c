/**
 * Per-chat follow-up context ("那兴和县呢？" after a question about 克什克腾旗): what was asked last,
 * behind a small async interface so that a shared store (Redis) can back it when several replicas
 * serve one bot. The default keeps it in memory, bounded in entries and in time.
 */
import type { AskContext } from '../engine/types.js';

/** Where follow-up context lives; keys are opaque strings made by the bot (a chat, a bot message). */
export interface ContextStore {
  get(key: string): Promise<AskContext | undefined>;
  set(key: string, context: AskContext): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Options of {@link createMemoryContextStore}. */
export interface MemoryContextStoreOptions {
  /** At most this many keys; the least recently used go first (default 10,000). */
  readonly maxEntries?: number;
  /** A context older than this is forgotten (default 30 minutes). */
  readonly ttlMs?: number;
  /** The clock, for tests. */
  readonly now?: () => number;
}

/** An in-memory store, least recently used first out, entries expiring after `ttlMs`. */
export function createMemoryContextStore(
  options: MemoryContextStoreOptions = {},
): ContextStore & { readonly size: number } {
  const maxEntries = options.maxEntries ?? 10_000;
  const ttlMs = options.ttlMs ?? 30 * 60_000;
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on use keeps the least recent first.
  const entries = new Map<string, { context: AskContext; expires: number }>();

  return {
    get size() {
      return entries.size;
    },
    async get(key) {
      const hit = entries.get(key);
      if (!hit) return undefined;
      entries.delete(key);
      if (hit.expires <= now()) return undefined;
      entries.set(key, hit);
      return hit.context;
    },
    async set(key, context) {
      entries.delete(key);
      entries.set(key, { context, expires: now() + ttlMs });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
    },
    async delete(key) {
      entries.delete(key);
    },
  };
}
