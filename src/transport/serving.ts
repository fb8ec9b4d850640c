/**
 * How the app serves under load and faults, in one place: the outgoing limiter (Telegram's limits,
 * retries), the options that give the bot flood control and the question length limit, the
 * per-chat update queue both polling and the webhook feed, the process guards, and a stop that
 * drains what is queued before it gives up on it.
 */
import type { Telegraf } from 'telegraf';
import type { BotContext, CreateBotOptions } from '../bot/create-bot.js';
import { type Config, DEFAULT_RELIABILITY, type ReliabilityConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { createOutgoing, type Outgoing } from './outgoing.js';
import { installProcessGuards } from './process-guards.js';
import { createUpdateQueue, type UpdateQueue } from './update-queue.js';

// A handler may wait for a group's rate window and for 429s before its reply goes out: it is only
// reported as stuck well past that.
const HANDLER_TIMEOUT_MS = 5 * 60_000;

/** The app's reliability parts, made from the configuration. */
export interface Serving {
  readonly reliability: ReliabilityConfig;
  readonly outgoing: Outgoing;
  /** What createBot needs: the limiter, flood control, the question length limit, the handler timeout. */
  readonly botOptions: Pick<CreateBotOptions, 'outgoing' | 'flood' | 'maxQuestionChars' | 'handlerTimeoutMs'>;
  /** The update queue that hands updates to this bot (made once). */
  queueFor(bot: Telegraf<BotContext>): UpdateQueue;
  /** Logs unhandled rejections and uncaught exceptions instead of dying; returns the uninstaller. */
  guardProcess(): () => void;
  /** Waits up to `drainMs` for queued updates, logs the ones abandoned, stops the limiter. Safe to call twice. */
  close(drainMs?: number): Promise<void>;
}

/** Creates the serving parts for a configuration (missing settings take their defaults). */
export function createServing(config: Pick<Config, 'reliability'>, logger: Logger): Serving {
  const reliability = config.reliability ?? DEFAULT_RELIABILITY;
  const outgoing = createOutgoing({
    ...(reliability.sendLimits ? { limits: reliability.sendLimits } : {}),
    retry: reliability.retry,
    logger,
  });
  let queue: UpdateQueue | undefined;
  let closing: Promise<void> | undefined;
  logger.debug(
    {
      rate_limit: reliability.sendLimits ?? 'off',
      flood: reliability.flood ?? 'off',
      concurrency: reliability.concurrency,
    },
    'limits',
  );
  return {
    reliability,
    outgoing,
    botOptions: {
      outgoing,
      maxQuestionChars: reliability.maxQuestionChars,
      handlerTimeoutMs: HANDLER_TIMEOUT_MS,
      ...(reliability.flood ? { flood: { rule: reliability.flood } } : {}),
    },
    queueFor(bot) {
      queue ??= createUpdateQueue({
        handle: (update) => bot.handleUpdate(update),
        concurrency: reliability.concurrency,
        limit: reliability.queueLimit,
        logger,
      });
      return queue;
    },
    guardProcess: () => installProcessGuards(logger),
    close(drainMs = reliability.drainMs) {
      closing ??= (async () => {
        const abandoned = queue ? await queue.close(drainMs) : [];
        if (abandoned.length > 0) {
          logger.warn(
            { count: abandoned.length, update_ids: abandoned.slice(0, 100) },
            'stopped before these updates were handled',
          );
        }
        await outgoing.stop();
      })();
      return closing;
    },
  };
}
