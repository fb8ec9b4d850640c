/**
 * Builds the bot: a Telegraf instance with the features in order (update log and error boundary
 * first, then start/help, buttons, inline, questions, and the leftovers last). Every dependency
 * is passed in; nothing here starts polling or a server (see app.ts).
 */
import { Telegraf } from 'telegraf';
import type { UserFromGetMe } from 'telegraf/types';
import type { Config } from '../config.js';
import type { AnswerEngine } from '../engine/answer.js';
import type { Logger } from '../logger.js';
import { type ContextStore, createMemoryContextStore } from './context-store.js';
import { askFeature } from './handlers/ask.js';
import { buttonsFeature } from './handlers/buttons.js';
import { inlineFeature } from './handlers/inline.js';
import { startHelpFeature } from './handlers/start-help.js';
import { unhandledFeature } from './handlers/unhandled.js';
import { logError, updateLog } from './middleware/update-log.js';
import type { BotContext, BotDependencies, UnansweredEvent } from './types.js';

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
}

/** Creates the Telegraf bot with every feature wired; call launch() or handleUpdate() on it. */
export function createBot(options: CreateBotOptions): Telegraf<BotContext> {
  const bot = new Telegraf<BotContext>(options.config.token, {
    handlerTimeout: options.handlerTimeoutMs ?? 30_000,
    telegram: {
      // Replies go as their own API calls, so that their errors are seen and logged, in both modes.
      webhookReply: false,
      ...(options.config.apiRoot ? { apiRoot: options.config.apiRoot } : {}),
    },
  });
  if (options.botInfo) bot.botInfo = options.botInfo;

  const deps: BotDependencies = {
    getEngine: options.getEngine,
    logger: options.logger,
    contexts: options.contextStore ?? createMemoryContextStore(),
    now: options.now ?? Date.now,
    ...(options.onUnanswered ? { onUnanswered: options.onUnanswered } : {}),
  };

  bot.use(updateLog(deps));
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
