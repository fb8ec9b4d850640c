/**
 * Every Bot API call the bot makes goes through here: messages are scheduled (bottleneck) within
 * Telegram's limits per private chat, per group and overall, and failed calls are retried when a
 * retry cannot hurt.
 *
 * Limits: a slot of a limiter is held from the moment a message is sent until `windowMs` after
 * Telegram answered. Telegram counts a message when it arrives, which is after we sent it and
 * before we got the answer, so at most `count` messages can ever arrive within any `windowMs`:
 * the limits hold however late or jittery the network is, without a safety margin. (For private
 * chats `count` is the burst and `windowMs` the time the burst takes to refill, which keeps within
 * a token bucket of that burst and rate.)
 *
 * Retries, and what is safe to repeat:
 * - 429: nothing was done; wait `parameters.retry_after` (up to `maxRetryAfterS`) and retry.
 * - 5xx, and a connection that was never made (refused, unreachable, DNS): retried with
 *   exponential backoff and jitter.
 * - A connection that broke after the request went out (reset, hang-up, our timeout): Telegram may
 *   already have sent the message, and the Bot API has no way to ask. Calls that are harmless to
 *   repeat (get*, set*, deleteWebhook, sendChatAction …) are retried; a send is repeated
 *   `repeatUncertainSends` times (default once: an answer seen twice beats an answer lost; 0 never
 *   repeats it), with a warning in the log.
 * - Other 4xx (bad request, blocked by the user, kicked from the group): never retried; the caller
 *   gets the error and logs it once.
 * Every retry is bounded (`maxRetries` per call).
 */
import Bottleneck from 'bottleneck';
import type { Telegram } from 'telegraf';
import type { Logger } from '../logger.js';
import { classifyFailure, type FailureKind, retryAfterOf, sleep } from './failures.js';

/** At most `count` messages in any `windowMs`. */
export interface RateWindow {
  readonly count: number;
  readonly windowMs: number;
}

/** Telegram's sending limits, as the limiter keeps them. */
export interface SendLimits {
  /** One private chat: `count` is the burst, `windowMs` the time it takes to refill at the sustained rate. */
  readonly private: RateWindow;
  /** One group, supergroup or channel. */
  readonly group: RateWindow;
  /** All chats together. */
  readonly global: RateWindow;
}

/** How failed calls are retried. */
export interface RetryPolicy {
  /** Retries per call, whatever the reason (0: never retry). */
  readonly maxRetries: number;
  /** First backoff after a 5xx or a network error; doubles on each retry, with jitter. */
  readonly baseDelayMs: number;
  /** The longest backoff. */
  readonly maxDelayMs: number;
  /** A 429 asking to wait longer than this many seconds is not waited for: the call fails. */
  readonly maxRetryAfterS: number;
  /** One attempt's timeout; a call that takes longer counts as a broken connection. */
  readonly timeoutMs: number;
  /**
   * How many times a send whose connection broke after the request went out is repeated. Telegram
   * may or may not have acted on it: 1 (the default) prefers an answer seen twice to an answer lost;
   * 0 never repeats it (no duplicate, ever, but the answer may be lost).
   */
  readonly repeatUncertainSends: number;
}

/** Converts Telegram's published rates into the limiter's windows. */
export function sendLimitsFromRates(rates: {
  readonly globalPerSecond: number;
  readonly privatePerSecond: number;
  readonly privateBurst: number;
  readonly groupPerMinute: number;
}): SendLimits {
  return {
    private: { count: rates.privateBurst, windowMs: (rates.privateBurst / rates.privatePerSecond) * 1000 },
    group: { count: rates.groupPerMinute, windowMs: 60_000 },
    global: { count: rates.globalPerSecond, windowMs: 1000 },
  };
}

/** Telegram's limits with a little headroom: 1 message/s per private chat (bursts of 3), 20/min per group, 25/s overall. */
export const DEFAULT_SEND_LIMITS: SendLimits = sendLimitsFromRates({
  globalPerSecond: 25,
  privatePerSecond: 1,
  privateBurst: 3,
  groupPerMinute: 20,
});

/** Four retries, backoff from 0.5 s to 8 s, 429 waits up to a minute, 30 s per attempt. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxRetryAfterS: 60,
  timeoutMs: 30_000,
  repeatUncertainSends: 1,
};

/** What the limiter did, for logs, tests and the benchmark. */
export interface OutgoingStats {
  /** Calls made through the limiter (each counted once, however many attempts). */
  calls: number;
  /** Retries, by the failure that caused them. */
  retries: Record<'flood' | 'server' | 'unreachable' | 'uncertain', number>;
  /** Calls that failed after their last allowed attempt. */
  gaveUp: number;
  /** Calls not retried because Telegram may already have acted on them. */
  notRepeated: number;
}

/** Options of {@link createOutgoing}. */
export interface OutgoingOptions {
  /** The limits to keep; undefined turns the limiter off (calls go at once; retries still apply). */
  readonly limits?: SendLimits;
  readonly retry?: RetryPolicy;
  readonly logger: Logger;
  /** Jitter source, for tests (default Math.random). */
  readonly random?: () => number;
}

/** The outgoing side: installs itself on Telegraf clients and schedules their calls. */
export interface Outgoing {
  /** Routes every call of this client through the limiter and retries; returns the same client. */
  install(telegram: Telegram, logFields?: Record<string, unknown>): Telegram;
  /** Runs one call (`send` performs an attempt with the given signal) under the limits and retries. */
  call<T>(
    method: string,
    payload: unknown,
    send: (signal: AbortSignal) => Promise<T>,
    options?: CallOptions,
  ): Promise<T>;
  readonly stats: Readonly<OutgoingStats>;
  /** Whether limits are kept (false: the limiter is off). */
  readonly limited: boolean;
  /** Refuses new calls and fails the queued ones (calls in flight finish). */
  stop(): Promise<void>;
}

/** Per-call options. */
export interface CallOptions {
  /** The caller's own abort signal (Telegraf passes one for getUpdates). */
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
}

// Left alone: the polling loop runs getUpdates itself, with its own retries; logOut and close end a session.
const UNGUARDED = new Set(['getUpdates', 'logOut', 'close']);

// Calls that put something into a chat, counted by Telegram's limits.
const MESSAGE = /^(send(?!ChatAction$)|copyMessages?$|forwardMessages?$|editMessage|stopPoll$)/;

// Calls whose repetition changes nothing: safe to retry after a broken connection.
const REPEATABLE = /^(get[A-Z]|set[A-Z]|deleteWebhook$|deleteMyCommands$|sendChatAction$|answerWebAppQuery$)/;

// Clock granularity between us and Telegram: held slots get this much more, so rounding never tips a window.
const HOLD_MARGIN_MS = 5;

/** Creates the outgoing limiter with retries. */
export function createOutgoing(options: OutgoingOptions): Outgoing {
  const { limits, logger } = options;
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;
  const random = options.random ?? Math.random;
  const stats: OutgoingStats = {
    calls: 0,
    retries: { flood: 0, server: 0, unreachable: 0, uncertain: 0 },
    gaveUp: 0,
    notRepeated: 0,
  };
  let stopped = false;

  // One FIFO limiter per chat and one for everything. A chat's limiter (about 5 KB) is dropped once
  // idle for twice the longest a slot can be held (its window, every attempt timing out, every retry
  // waiting its longest), so that it is never dropped while a slot of it is still counted.
  const idleMs = (rule: RateWindow) =>
    2 *
    (rule.windowMs +
      (retry.maxRetries + 1) * retry.timeoutMs +
      retry.maxRetries * Math.max(retry.maxRetryAfterS * 1000, retry.maxDelayMs));
  const privateChats = limits
    ? new Bottleneck.Group({ maxConcurrent: limits.private.count, timeout: idleMs(limits.private) })
    : undefined;
  const groupChats = limits
    ? new Bottleneck.Group({ maxConcurrent: limits.group.count, timeout: idleMs(limits.group) })
    : undefined;
  const global = limits ? new Bottleneck({ maxConcurrent: limits.global.count }) : undefined;

  async function slots(payload: unknown): Promise<Array<() => void>> {
    if (!limits || !global) return [];
    const held: Array<() => void> = [];
    try {
      const chat = chatOf(payload);
      if (chat !== undefined) {
        const rule = chat.private ? limits.private : limits.group;
        const group = chat.private ? privateChats : groupChats;
        if (group) held.push(await slot(group.key(chat.key), rule.windowMs));
      }
      held.push(await slot(global, limits.global.windowMs));
      return held;
    } catch (err) {
      for (const release of held) release();
      throw err;
    }
  }

  function backoff(attempt: number): number {
    const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
    return Math.round(ceiling * (0.5 + random() / 2));
  }

  /** How long to wait before the next attempt, or undefined when the call must fail now. */
  function nextDelay(
    method: string,
    kind: FailureKind,
    err: unknown,
    attempt: number,
    uncertainSoFar: number,
  ): number | undefined {
    if (kind === 'refused' || kind === 'other') return undefined;
    if (attempt >= retry.maxRetries) return undefined;
    if (kind === 'flood') {
      const seconds = retryAfterOf(err) ?? 1;
      return seconds <= retry.maxRetryAfterS ? seconds * 1000 : undefined;
    }
    if (kind === 'uncertain' && !REPEATABLE.test(method) && uncertainSoFar >= retry.repeatUncertainSends) {
      return undefined;
    }
    return backoff(attempt);
  }

  async function attempts<T>(
    method: string,
    payload: unknown,
    send: (signal: AbortSignal) => Promise<T>,
    options: CallOptions,
  ): Promise<T> {
    const log = options.logger ?? logger;
    let uncertain = 0;
    for (let attempt = 0; ; attempt++) {
      const timeout = AbortSignal.timeout(retry.timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      try {
        return await send(signal);
      } catch (err) {
        if (options.signal?.aborted) throw err;
        const kind = classifyFailure(err, timeout.aborted);
        const delay = stopped ? undefined : nextDelay(method, kind, err, attempt, uncertain);
        if (delay === undefined) {
          const where = { method, chat_id: chatIdOf(payload), attempts: attempt + 1, failure: kind };
          if (kind === 'uncertain' && !REPEATABLE.test(method)) {
            stats.notRepeated++;
            log.warn(
              { ...where, err },
              'the connection broke after the request was sent; not repeated, as Telegram may have acted on it',
            );
          } else if (kind !== 'refused' && kind !== 'other') {
            stats.gaveUp++;
            log.warn({ ...where, err }, 'Bot API call failed after retries');
          }
          throw err;
        }
        if (kind === 'flood' || kind === 'server' || kind === 'unreachable' || kind === 'uncertain') {
          stats.retries[kind]++;
        }
        if (kind === 'uncertain' && !REPEATABLE.test(method)) {
          uncertain++;
          log.warn(
            { method, chat_id: chatIdOf(payload), attempt: attempt + 1 },
            'the connection broke after the request was sent; repeating it once, so the answer is not lost (if Telegram had sent it, it arrives twice)',
          );
        }
        log.info(
          { method, chat_id: chatIdOf(payload), attempt: attempt + 1, failure: kind, delay_ms: delay },
          kind === 'flood'
            ? 'Telegram asked to wait (429); retrying after the wait'
            : 'retrying a Bot API call',
        );
        await sleep(delay);
      }
    }
  }

  const outgoing: Outgoing = {
    stats,
    limited: limits !== undefined,
    async call(method, payload, send, options = {}) {
      if (UNGUARDED.has(method)) return send(options.signal ?? new AbortController().signal);
      if (stopped) throw new Error(`the bot is stopping; ${method} was not sent`);
      stats.calls++;
      const held = MESSAGE.test(method) ? await slots(payload) : [];
      try {
        return await attempts(method, payload, send, options);
      } finally {
        for (const release of held.reverse()) release();
      }
    },
    install(telegram, logFields) {
      const original = telegram.callApi.bind(telegram);
      const log = logFields ? logger.child(logFields) : logger;
      const guarded = (method: string, payload: unknown, opts: { signal?: AbortSignal } = {}) =>
        outgoing.call(
          method,
          payload,
          (signal) =>
            (original as (m: string, p: unknown, o: object) => Promise<unknown>)(method, payload, { signal }),
          { logger: log, ...(opts.signal ? { signal: opts.signal } : {}) },
        );
      telegram.callApi = guarded as Telegram['callApi'];
      return telegram;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const limiters = [
        ...(global ? [global] : []),
        ...(privateChats?.limiters() ?? []).map((l) => l.limiter),
        ...(groupChats?.limiters() ?? []).map((l) => l.limiter),
      ];
      // Calls waiting for a slot fail now; not awaited, as held slots only free when their window ends.
      for (const l of limiters) {
        l.stop({ dropWaitingJobs: true, dropErrorMessage: 'the bot stopped before this was sent' }).catch(
          () => {},
        );
      }
    },
  };
  return outgoing;
}

/**
 * Takes a slot of `limiter` (FIFO): resolves with its release once granted. Released, the slot
 * stays taken for `holdMs` more, so the window counts from Telegram's answer.
 */
function slot(limiter: Bottleneck, holdMs: number): Promise<() => void> {
  return new Promise((granted, refused) => {
    limiter
      .schedule(
        () =>
          new Promise<void>((free) => {
            let released = false;
            granted(() => {
              if (released) return;
              released = true;
              setTimeout(free, holdMs + HOLD_MARGIN_MS).unref();
            });
          }),
      )
      .catch(refused);
  });
}

/** The chat a call writes to: `private` for users (positive ids), groups and channels otherwise. */
function chatOf(payload: unknown): { key: string; private: boolean } | undefined {
  const id = chatIdOf(payload);
  if (id === undefined) return undefined;
  return { key: String(id), private: typeof id === 'number' && id > 0 };
}

function chatIdOf(payload: unknown): number | string | undefined {
  if (payload === null || typeof payload !== 'object') return undefined;
  const id = (payload as { chat_id?: unknown }).chat_id;
  if (typeof id === 'number' && Number.isFinite(id)) return id;
  if (typeof id === 'string' && id !== '') return /^-?\d+$/.test(id) ? Number(id) : id;
  return undefined;
}
