/**
 * What a failed Bot API call means for a retry: Telegram asked us to wait (429), Telegram failed
 * (5xx), the connection was never made (so nothing was sent), the connection broke after the
 * request went out (so Telegram may have acted on it), or Telegram refused the request (4xx).
 */
import { TelegramError } from 'telegraf';

/** The kinds of failure a call can meet. */
export type FailureKind =
  /** 429 Too Many Requests: nothing was done; wait `retry_after` seconds. */
  | 'flood'
  /** 5xx from Telegram or a proxy in front of it. */
  | 'server'
  /** No connection was made (refused, unreachable, DNS): the request never left. */
  | 'unreachable'
  /** The connection broke or timed out after the request was sent: Telegram may have acted on it. */
  | 'uncertain'
  /** 4xx other than 429: bad request, blocked by the user, kicked from the group … */
  | 'refused'
  /** Not a transport failure at all (a bug of ours). */
  | 'other';

// Errors raised before a connection exists: the request cannot have reached Telegram.
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
]);

/** Classifies what a call threw. `timedOut`: our own per-attempt timeout aborted it. */
export function classifyFailure(err: unknown, timedOut = false): FailureKind {
  if (err instanceof TelegramError) {
    if (err.code === 429) return 'flood';
    if (err.code >= 500) return 'server';
    return 'refused';
  }
  if (timedOut) return 'uncertain';
  const e = err as { name?: unknown; code?: unknown; type?: unknown } | null;
  if (e === null || typeof e !== 'object') return 'other';
  if (typeof e.code === 'string' && NOT_CONNECTED.has(e.code)) return 'unreachable';
  // node-fetch's FetchError: 'system' (socket errors), 'invalid-json', 'max-size', 'request-timeout'.
  if (e.name === 'FetchError' || e.name === 'AbortError') return 'uncertain';
  return 'other';
}

/** Whether an error comes from talking to Telegram (any kind above but `other`). */
export function isTransportFailure(err: unknown): boolean {
  return classifyFailure(err) !== 'other';
}

/** The `retry_after` of a 429, in seconds (undefined for anything else). */
export function retryAfterOf(err: unknown): number | undefined {
  if (!(err instanceof TelegramError) || err.code !== 429) return undefined;
  const seconds = err.parameters?.retry_after;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** Sleeps `ms`; resolves early (without throwing) when `signal` aborts. The timer never holds the process. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    timer.unref();
    signal?.addEventListener('abort', done, { once: true });
  });
}
