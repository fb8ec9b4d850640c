/**
 * Starting and stopping the bot: knowledge → engine → bot → getMe → commands → polling or webhook.
 * main.ts wraps this for the process (environment, signals, exit codes); the terminal chat and the
 * end-to-end tests run it in process against the local Bot API emulator.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Telegraf, TelegramError } from 'telegraf';
import { registerCommands } from './bot/commands.js';
import type { ContextStore } from './bot/context-store.js';
import { ALLOWED_UPDATES, type BotContext, createBot, type UnansweredEvent } from './bot/create-bot.js';
import type { Config } from './config.js';
import { type AnswerEngine, createAnswerEngine } from './engine/answer.js';
import { type Knowledge, loadKnowledge } from './knowledge/load.js';
import { createRedactor, type Logger } from './logger.js';
import type { Outgoing } from './transport/outgoing.js';
import { startPolling } from './transport/polling.js';
import { createServing } from './transport/serving.js';
import { closeServer, createWebhookServer, listen } from './webhook.js';

/** Options of {@link startApp}. */
export interface AppOptions {
  readonly config: Config;
  readonly logger: Logger;
  /** Already loaded knowledge (default: loaded from config.knowledgeDir). */
  readonly knowledge?: Knowledge;
  /**
   * The engine in service, when something else owns it (a knowledge service that reloads): asked
   * afresh at every update. Without it the app builds one engine from the knowledge.
   */
  readonly getEngine?: () => AnswerEngine;
  readonly contextStore?: ContextStore;
  readonly onUnanswered?: (event: UnansweredEvent) => void;
  /** Log unhandled rejections and uncaught exceptions and keep serving (default true). */
  readonly processGuards?: boolean;
}

/** A running bot. */
export interface RunningApp {
  readonly bot: Telegraf<BotContext>;
  /** The outgoing limiter every Bot API call goes through (its stats: retries, give-ups). */
  readonly outgoing: Outgoing;
  /** How many updates were taken from Telegram and are not handled yet. */
  pending(): number;
  /** The webhook server's address (webhook mode). */
  readonly address?: AddressInfo;
  /** Serves another engine from the next update on (a knowledge reload; ignored with getEngine). */
  replaceEngine(engine: AnswerEngine): void;
  /** Stops polling or closes the server, waiting for updates in progress; safe to call twice. */
  stop(reason?: string): Promise<void>;
  /** Settles when the bot has stopped: resolves after stop(), rejects when polling fails (409, 401). */
  readonly done: Promise<void>;
}

/** Thrown when the bot cannot start or keep running; the message is one line that says what to do. */
export class StartError extends Error {
  override readonly name = 'StartError';
}

/**
 * Starts the bot. Throws a KnowledgeError for a bad knowledge folder, a StartError when Telegram
 * cannot be reached or refuses the token, or the webhook port is taken.
 */
export async function startApp(options: AppOptions): Promise<RunningApp> {
  const { config, logger } = options;
  let engine: AnswerEngine | undefined;
  if (!options.getEngine) {
    const knowledge = options.knowledge ?? loadKnowledge(config.knowledgeDir);
    engine = createAnswerEngine(knowledge, {
      onError: (err, question) => logger.error({ err, question }, 'the engine failed on a question'),
    });
    logger.info({ dir: config.knowledgeDir, size: engine.size }, 'knowledge loaded');
  }
  const getEngine = options.getEngine ?? (() => engine as AnswerEngine);

  // Limits, retries, flood control and per-chat queues: see transport/serving.ts.
  const serving = createServing(config, logger);
  const bot = createBot({
    getEngine,
    logger,
    config,
    ...serving.botOptions,
    ...(options.contextStore ? { contextStore: options.contextStore } : {}),
    ...(options.onUnanswered ? { onUnanswered: options.onUnanswered } : {}),
  });
  const queue = serving.queueFor(bot);
  const fail = (err: unknown) => {
    void serving.close(0);
    return new StartError(describeStartError(err, config));
  };

  try {
    bot.botInfo = await bot.telegram.getMe();
  } catch (err) {
    throw fail(err);
  }
  logger.info({ username: bot.botInfo.username, mode: config.mode }, 'bot identified');
  try {
    await registerCommands(bot.telegram);
  } catch (err) {
    // The menu is a convenience; a bot without it still answers.
    logger.warn({ err }, 'setMyCommands failed');
  }

  let ready = false;
  let stopping: Promise<void> | undefined;
  const replaceEngine = (next: AnswerEngine) => {
    engine = next;
  };

  if (config.mode === 'polling') {
    // Nothing is dropped: updates that waited while the bot was down are answered now.
    try {
      await bot.telegram.deleteWebhook({ drop_pending_updates: false });
    } catch (err) {
      throw fail(err);
    }
    const unguard = options.processGuards === false ? () => {} : serving.guardProcess();
    const poller = startPolling({
      telegram: bot.telegram,
      queue,
      allowedUpdates: ALLOWED_UPDATES,
      logger,
      retryDelayMs: serving.reliability.retry.baseDelayMs,
    });
    const done = poller.done.catch(async (err: unknown) => {
      unguard();
      await serving.close(0);
      throw fail(err);
    });
    // Until someone awaits done, a failure must not surface as an unhandled rejection.
    done.catch(() => undefined);
    ready = true;
    logger.info('polling for updates');
    return {
      bot,
      outgoing: serving.outgoing,
      pending: () => queue.pending,
      replaceEngine,
      done,
      stop: (reason = 'stop') => {
        stopping ??= (async () => {
          await poller.stop();
          await serving.close();
          unguard();
          await done.catch(() => undefined);
          logger.info({ reason }, 'polling stopped');
        })();
        return stopping;
      },
    };
  }

  const server: http.Server = createWebhookServer({
    path: config.webhookPath,
    secret: config.webhookSecret,
    // Answered as soon as the update is queued: Telegram's POST never waits for the reply.
    handleUpdate: async (update) => {
      if ((await queue.accept(update)) === 'closed') throw new Error('stopping: update not taken');
    },
    health: () => (ready ? { ...getEngine().size } : undefined),
    logger,
  });
  let address: AddressInfo;
  try {
    address = await listen(server, config.port, config.host);
  } catch (err) {
    throw fail(err);
  }
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  try {
    await bot.telegram.setWebhook(config.webhookUrl, {
      secret_token: config.webhookSecret,
      allowed_updates: ALLOWED_UPDATES,
      drop_pending_updates: false,
    });
  } catch (err) {
    await closeServer(server, 0);
    throw fail(err);
  }
  ready = true;
  const unguard = options.processGuards === false ? () => {} : serving.guardProcess();
  logger.info(
    { host: config.host, port: address.port, path: config.webhookPath },
    'webhook server listening',
  );
  return {
    bot,
    outgoing: serving.outgoing,
    pending: () => queue.pending,
    address,
    replaceEngine,
    done,
    stop: (reason = 'stop') => {
      // The webhook stays registered: Telegram keeps updates until the next start.
      stopping ??= (async () => {
        ready = false;
        await closeServer(server);
        await serving.close();
        unguard();
        logger.info({ reason }, 'webhook server closed');
        resolveDone();
      })();
      return stopping;
    },
  };
}

/** One line that says what went wrong at start (or while polling) and what to do; secrets redacted. */
export function describeStartError(
  err: unknown,
  config: Pick<Config, 'token' | 'apiRoot' | 'port' | 'host'>,
): string {
  const redact = createRedactor([config.token]);
  if (err instanceof TelegramError) {
    const what = `${err.code} ${err.description}`;
    if (err.code === 401 || err.code === 404) {
      return `Telegram rejected BOT_TOKEN (${what}): copy the token again from @BotFather (/mybots → your bot → API Token)`;
    }
    if (err.code === 409) {
      return `Another instance of this bot is already running with the same token (${redact(what)}). Stop the other instance (or remove its webhook) and start again.`;
    }
    return redact(`Telegram refused the bot's request (${what})`);
  }
  const e = err as NodeJS.ErrnoException & { type?: string };
  if (e?.code === 'EADDRINUSE' || e?.code === 'EACCES') {
    return `Cannot listen on ${config.host}:${config.port} (${e.code}): choose another PORT or HOST`;
  }
  const root = config.apiRoot ?? 'https://api.telegram.org';
  const message = e instanceof Error ? e.message : String(err);
  if (e?.name === 'FetchError' || e?.type === 'system') {
    return redact(`Cannot reach the Telegram Bot API at ${root}: ${message}`);
  }
  return redact(message);
}
