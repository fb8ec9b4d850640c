/**
 * Builds the bot: a Telegraf instance with the features in order (update log and error boundary
 * first, then start/help, buttons, inline, questions, and the leftovers last). Every dependency
 * is passed in; nothing here starts polling or a server (see app.ts).
 */
import { Context, Telegraf, type Telegram } from 'telegraf';
import type { Update, UserFromGetMe } from 'telegraf/types';
import type { Config } from '../config.js';
import { type AnswerEngine, DEFAULT_OPTIONS } from '../engine/answer.js';
import type { Logger } from '../logger.js';
import type { Outgoing } from '../transport/outgoing.js';
import { type ContextStore, createMemoryContextStore } from './context-store.js';
import { createMemoryFloodStore, type FloodRule, type FloodStore } from './flood-store.js';
import { askFeature } from './handlers/ask.js';
import { buttonsFeature } from './handlers/buttons.js';
import { inlineFeature } from './handlers/inline.js';
import { startHelpFeature } from './handlers/start-help.js';
import { unhandledFeature } from './handlers/unhandled.js';
import { floodControl } from './middleware/flood-control.js';
import { logError, updateLog } from './middleware/update-log.js';
import type { BotContext, BotDependencies, UnansweredEvent, UpdateOutcome } from './types.js';

export type { BotContext, UnansweredEvent } from './types.js';

/**
 * The update kinds the bot asks Telegram for (Telegram remembers the last list, so it is always
 * sent). Channel posts are left out: the bot has nothing to say in channels.
 */
export const ALLOWED_UPDATES: NonNullable<Telegraf.LaunchOptions['allowedUpdates']> = [
  'message',
  'edited_message',
  'callback_query',
  'inline_query',
  'my_chat_member',
];

/** Options of {@link createBot}. */
export interface CreateBotOptions {
  /** The engine in service, asked afresh for every update so a reload can swap it. */
  readonly getEngine: () => AnswerEngine;
  readonly logger: Logger;
  readonly config: Pick<Config, 'token' | 'apiRoot'>;
  /** Follow-up context (default: in memory, 10,000 chats, 30 minutes). */
  readonly contextStore?: ContextStore;
  /** Called when the bot declines a question or asks back (for the unanswered-question log). */
  readonly onUnanswered?: (event: UnansweredEvent) => void;
  /** getMe's answer, when known: tests preset it so that no call is made. */
  readonly botInfo?: UserFromGetMe;
  /** How long one update may take before it is reported as timed out (default 30 s). */
  readonly handlerTimeoutMs?: number;
  readonly now?: () => number;
  /**
   * The outgoing limiter: installed on bot.telegram and on every update's fresh ctx.telegram, so
   * that every Bot API call keeps Telegram's limits and is retried when safe (default: none).
   */
  readonly outgoing?: Outgoing;
  /** Per-user flood control (default: off), with its store (default: in memory). */
  readonly flood?: { readonly rule: FloodRule; readonly store?: FloodStore };
  /** Longer questions get a one-line reply instead of a search (default: the engine's 500). */
  readonly maxQuestionChars?: number;
}

/** Creates the Telegraf bot with every feature wired; call launch() or handleUpdate() on it. */
export function createBot(options: CreateBotOptions): Telegraf<BotContext> {
  const outgoing = options.outgoing;
  const bot = new Telegraf<BotContext>(options.config.token, {
    handlerTimeout: options.handlerTimeoutMs ?? 30_000,
    ...(outgoing ? { contextType: guardedContext(outgoing) } : {}),
    telegram: {
      // Replies go as their own API calls, so that their errors are seen and logged, in both modes.
      webhookReply: false,
      ...(options.config.apiRoot ? { apiRoot: options.config.apiRoot } : {}),
    },
  });
  if (options.botInfo) bot.botInfo = options.botInfo;
  outgoing?.install(bot.telegram);

  const deps: BotDependencies = {
    getEngine: options.getEngine,
    logger: options.logger,
    contexts: options.contextStore ?? createMemoryContextStore(),
    now: options.now ?? Date.now,
    maxQuestionChars: options.maxQuestionChars ?? DEFAULT_OPTIONS.maxQuestionLength,
    ...(options.onUnanswered ? { onUnanswered: options.onUnanswered } : {}),
  };

  bot.use(updateLog(deps));
  if (options.flood) {
    bot.use(floodControl(deps, options.flood.rule, options.flood.store ?? createMemoryFloodStore()));
  }
  bot.use(startHelpFeature(deps));
  bot.use(buttonsFeature(deps));
  bot.use(inlineFeature(deps));
  bot.use(askFeature(deps));
  bot.use(unhandledFeature(deps));

  // Only what escapes the update log's boundary gets here (a handler timeout); never rethrow.
  bot.catch((err, ctx) => {
    logError(ctx.logger ?? options.logger.child({ update_id: ctx.update.update_id }), ctx, err);
  });
  return bot;
}

/**
 * The context class: Telegraf makes a fresh Telegram client for every update (ctx.telegram); the
 * limiter is installed on it here, before any middleware can call it.
 */
function guardedContext(outgoing: Outgoing) {
  return class GuardedContext extends Context implements BotContext {
    declare logger: Logger;
    declare outcome: UpdateOutcome;
    constructor(update: Update, telegram: Telegram, botInfo: UserFromGetMe) {
      outgoing.install(telegram, { update_id: update.update_id });
      super(update, telegram, botInfo);
    }
  };
}
