/**
 * Telegram's documented sending limits for bots, enforced the way the real server does it:
 * a request over the limit is refused with 429 and a retry_after, and nothing is sent.
 */

/** The limits, per bot. Defaults follow https://core.telegram.org/bots/faq#broadcasting-to-users. */
export interface TelegramLimits {
  /** Sustained messages per second into one private chat. */
  privatePerSecond: number;
  /** Messages a private chat absorbs in a burst before the per-second rate applies. */
  privateBurst: number;
  /** Messages per minute into one group, supergroup or channel. */
  groupPerMinute: number;
  /** Messages per second across all chats. */
  globalPerSecond: number;
  /**
   * The span `groupPerMinute` counts over (default 60,000 ms). Tests compress time with it: 20 per
   * 3,000 ms behaves like Telegram's 20 per minute, twenty times faster.
   */
  groupWindowMs?: number;
  /** The span `globalPerSecond` counts over (default 1,000 ms). */
  globalWindowMs?: number;
}

/** The default limits: 1/s per private chat (burst 5), 20/min per group, 30/s overall. */
export const DEFAULT_TELEGRAM_LIMITS: TelegramLimits = {
  privatePerSecond: 1,
  privateBurst: 5,
  groupPerMinute: 20,
  globalPerSecond: 30,
};

/** Which limit refused a request. */
export type FloodScope = 'private_chat' | 'group_chat' | 'global';

/** The verdict for one outgoing message. */
export type FloodVerdict = { ok: true } | { ok: false; scope: FloodScope; retryAfter: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Tracks sends per bot and per chat and decides whether the next one is allowed. */
export class FloodLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly windows = new Map<string, number[]>();

  constructor(public limits: TelegramLimits) {}

  /**
   * Decides whether bot `botId` may send one more message into `chatKey` at time `now` (ms),
   * and counts it if so; a refused message is not counted, as on Telegram.
   */
  take(botId: number, chatKey: string, isPrivate: boolean, now: number): FloodVerdict {
    const globalSpan = this.limits.globalWindowMs ?? 1000;
    const groupSpan = this.limits.groupWindowMs ?? 60_000;
    const global = this.window(`g:${botId}`, now, globalSpan);
    if (global.length >= this.limits.globalPerSecond) {
      return { ok: false, scope: 'global', retryAfter: retryAfter((global[0] ?? now) + globalSpan - now) };
    }
    if (isPrivate) {
      const key = `p:${botId}:${chatKey}`;
      const bucket = this.buckets.get(key) ?? { tokens: this.limits.privateBurst, updatedAt: now };
      bucket.tokens = Math.min(
        this.limits.privateBurst,
        bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.limits.privatePerSecond,
      );
      bucket.updatedAt = now;
      this.buckets.set(key, bucket);
      if (bucket.tokens < 1) {
        const waitMs = ((1 - bucket.tokens) / this.limits.privatePerSecond) * 1000;
        return { ok: false, scope: 'private_chat', retryAfter: retryAfter(waitMs) };
      }
      bucket.tokens -= 1;
    } else {
      const group = this.window(`c:${botId}:${chatKey}`, now, groupSpan);
      if (group.length >= this.limits.groupPerMinute) {
        return {
          ok: false,
          scope: 'group_chat',
          retryAfter: retryAfter((group[0] ?? now) + groupSpan - now),
        };
      }
      group.push(now);
    }
    global.push(now);
    return { ok: true };
  }

  /** Forgets all counted messages. */
  reset(): void {
    this.buckets.clear();
    this.windows.clear();
  }

  private window(key: string, now: number, spanMs: number): number[] {
    const times = this.windows.get(key) ?? [];
    while (times.length > 0 && (times[0] ?? 0) <= now - spanMs) times.shift();
    this.windows.set(key, times);
    return times;
  }
}

function retryAfter(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
