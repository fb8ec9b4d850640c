/**
 * What every handler shares: the bot's Context (with the per-update logger and the record of what
 * was done, for the one log line per update) and the dependencies createBot was given.
 */
import type { Context } from 'telegraf';
import type { AnswerEngine } from '../engine/answer.js';
import type { Logger } from '../logger.js';
import type { ContextStore } from './context-store.js';

/** What handling an update came to, logged once when it is done. */
export interface UpdateOutcome {
  /** The command or action: ask, start, help, about, text, reply, mention, inline, button:full … */
  command?: string;
  /** The engine's verdict, when a question was asked. */
  answer?: 'answered' | 'ambiguous' | 'none';
  /** For a declined question: why (off-topic, not-reported …). */
  reason?: string;
  /** The entries the reply was made of (or offered as choices). */
  entries?: readonly string[];
  /** Why nothing was sent: chatter, other-bot, edited, channel-post … */
  ignored?: string;
  /** How many messages (or inline results) were sent. */
  sent?: number;
}

/** The Telegraf context of this bot. */
export interface BotContext extends Context {
  /** A child of the bot's logger with this update's id. */
  logger: Logger;
  outcome: UpdateOutcome;
}

/** A question the bot declined or asked back on, for the unanswered-question log (no user data). */
export interface UnansweredEvent {
  readonly question: string;
  /** ISO 8601. */
  readonly time: string;
  /** private, group or supergroup. */
  readonly chatType: string;
  readonly kind: 'none' | 'ambiguous';
  readonly reason?: string;
  readonly best?: { readonly id: string; readonly score: number };
}

/** The dependencies every feature gets. */
export interface BotDependencies {
  /** The engine in service; a function so that a knowledge reload can swap it while running. */
  readonly getEngine: () => AnswerEngine;
  readonly logger: Logger;
  readonly contexts: ContextStore;
  readonly onUnanswered?: (event: UnansweredEvent) => void;
  readonly now: () => number;
  /** Longer questions get a one-line reply instead of a search. */
  readonly maxQuestionChars: number;
}
