/**
 * Long polling that does not wait for a batch to be handled: each update is handed to the update
 * queue (per-chat order, bounded concurrency) and the next getUpdates confirms only the updates
 * handed over. Telegraf's own loop handles a batch under Promise.all and polls again only when
 * the slowest update of it is done, so one slow chat would hold up everyone.
 */
import { type Telegram, TelegramError } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { Logger } from '../logger.js';
import { classifyFailure, retryAfterOf, sleep } from './failures.js';
import type { UpdateQueue } from './update-queue.js';

/** Options of {@link startPolling}. */
export interface PollingOptions {
  /** The client getUpdates is called on (the outgoing limiter leaves getUpdates alone). */
  readonly telegram: Telegram;
  readonly queue: UpdateQueue;
  readonly allowedUpdates: readonly string[];
  readonly logger: Logger;
  /** Long-poll timeout in seconds (default 50, Telegram's maximum). */
  readonly timeoutSeconds?: number;
  /** Updates per getUpdates (1-100, default 100). */
  readonly limit?: number;
  /** Backoff after a failed getUpdates (5xx, network): from this, doubling up to 30 s (default 1000). */
  readonly retryDelayMs?: number;
}

/** A running polling loop. */
export interface Poller {
  /** Settles when the loop ends: resolves after stop(), rejects on 401 or 409 (with the TelegramError). */
  readonly done: Promise<void>;
  /** Aborts the long poll and ends the loop, then confirms the updates handed over. Safe to call twice. */
  stop(): Promise<void>;
}

/** Starts polling; the first getUpdates goes out at once. */
export function startPolling(options: PollingOptions): Poller {
  const { telegram, queue, logger } = options;
  const abort = new AbortController();
  const timeout = options.timeoutSeconds ?? 50;
  const limit = options.limit ?? 100;
  const firstDelay = options.retryDelayMs ?? 1000;
  let offset = 0;
  let handedOver = false;

  async function loop(): Promise<void> {
    let failures = 0;
    while (!abort.signal.aborted) {
      let updates: Update[];
      try {
        updates = (await telegram.callApi(
          'getUpdates',
          { timeout, offset, limit, allowed_updates: [...options.allowedUpdates] } as never,
          // Telegraf types the signal as the abort-controller shim's; node-fetch takes the native one.
          { signal: abort.signal as never },
        )) as unknown as Update[];
        failures = 0;
      } catch (err) {
        if (abort.signal.aborted) break;
        // A rejected token or a second instance: nothing to retry; the app stops with a clear line.
        if (err instanceof TelegramError && (err.code === 401 || err.code === 404 || err.code === 409)) {
          throw err;
        }
        const kind = classifyFailure(err);
        const waitMs =
          kind === 'flood'
            ? (retryAfterOf(err) ?? 1) * 1000
            : Math.min(30_000, firstDelay * 2 ** Math.min(failures, 5));
        failures++;
        logger.warn({ err, failure: kind, retry_in_ms: waitMs }, 'getUpdates failed; polling again later');
        await sleep(waitMs, abort.signal);
        continue;
      }
      for (const update of updates) {
        const verdict = await queue.accept(update);
        if (verdict === 'closed') return;
        offset = update.update_id + 1;
        handedOver = true;
      }
    }
  }

  let refused = false;
  const done = loop()
    .catch((err: unknown) => {
      refused = true;
      throw err;
    })
    .finally(async () => {
      if (!handedOver || refused) return;
      // Confirms what was handed over, so that a restart does not handle it again.
      try {
        await telegram.callApi('getUpdates', { offset, limit: 1, timeout: 0 } as never);
      } catch (err) {
        logger.warn({ err }, 'could not confirm the last updates; Telegram will send them again');
      }
    });
  let stopping: Promise<void> | undefined;
  return {
    done,
    stop() {
      stopping ??= (async () => {
        abort.abort();
        await done.catch(() => undefined);
      })();
      return stopping;
    },
  };
}
