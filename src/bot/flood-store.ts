/**
 * Per-user flood control state: how many questions a user sent lately and whether they were told
 * to slow down. One decision per question, behind a small async interface so that a shared store
 * (a Redis script doing the same) can back it when several replicas serve one bot. The default
 * keeps it in memory, bounded in users and in timestamps per user.
 */

/** At most `maxQuestions` questions in any `windowMs`. */
export interface FloodRule {
  readonly maxQuestions: number;
  readonly windowMs: number;
}

/** What to do with a question: answer it, tell the user to slow down (once), or say nothing. */
export type FloodVerdict = 'allow' | 'notice' | 'silent';

/** Where flood control keeps its counts; keys are opaque strings made by the bot (`user:<id>`). */
export interface FloodStore {
  /**
   * Counts one question of `key` at `now` (ms) and decides: allowed while at most `maxQuestions`
   * fall within the window; the first one past that earns the notice, the rest silence, until the
   * user's rate falls back under the rule (questions refused count too, so flooding on keeps it shut).
   */
  hit(key: string, now: number, rule: FloodRule): Promise<FloodVerdict>;
}

/** Options of {@link createMemoryFloodStore}. */
export interface MemoryFloodStoreOptions {
  /** At most this many users are tracked; the least recently seen go first (default 10,000). */
  readonly maxKeys?: number;
}

/** An in-memory flood store. */
export function createMemoryFloodStore(
  options: MemoryFloodStoreOptions = {},
): FloodStore & { readonly size: number } {
  const maxKeys = options.maxKeys ?? 10_000;
  // A Map iterates in insertion order: re-inserting on use keeps the least recent first.
  const users = new Map<string, { times: number[]; noticed: boolean }>();
  return {
    get size() {
      return users.size;
    },
    async hit(key, now, rule) {
      const entry = users.get(key) ?? { times: [], noticed: false };
      users.delete(key);
      users.set(key, entry);
      while (users.size > maxKeys) {
        const oldest = users.keys().next();
        if (oldest.done) break;
        users.delete(oldest.value);
      }
      const since = now - rule.windowMs;
      entry.times = entry.times.filter((t) => t > since);
      entry.times.push(now);
      // More than one past the limit changes nothing: keep the list short.
      if (entry.times.length > rule.maxQuestions + 1) entry.times.shift();
      if (entry.times.length <= rule.maxQuestions) {
        entry.noticed = false;
        return 'allow';
      }
      if (entry.noticed) return 'silent';
      entry.noticed = true;
      return 'notice';
    },
  };
}
