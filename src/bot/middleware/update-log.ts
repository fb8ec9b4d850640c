/**
 * The first middleware: gives each update a child logger with its update_id, catches what the
 * features throw (logged with the update id; the user gets a short apology when they asked
 * something), and writes one line per update: type, chat type, command, latency, matched
 * entries, answered or not.
 */

import type { MiddlewareFn } from 'telegraf';
import { TelegramError } from 'telegraf';
import type { Logger } from '../../logger.js';
import { ERROR_TEXT } from '../../render/texts.js';
import { classifyFailure } from '../../transport/failures.js';
import type { BotContext, BotDependencies } from '../types.js';

/** Per-update logger, error boundary and the update's log line. */
export function updateLog(deps: BotDependencies): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const started = performance.now();
    ctx.logger = deps.logger.child({ update_id: ctx.update.update_id });
    ctx.outcome = {};
    let failed = false;
    try {
      await next();
    } catch (err) {
      failed = true;
      logError(ctx.logger, ctx, err);
      await apologize(ctx, err);
    } finally {
      const o = ctx.outcome;
      const line = {
        update_type: ctx.updateType,
        chat_type: ctx.chat?.type ?? ctx.inlineQuery?.chat_type,
        command: o.command,
        latency_ms: Math.round((performance.now() - started) * 10) / 10,
        ...(o.answer ? { answered: o.answer === 'answered', answer: o.answer } : {}),
        ...(o.reason ? { reason: o.reason } : {}),
        ...(o.entries ? { entries: o.entries } : {}),
        ...(o.sent !== undefined ? { sent: o.sent } : {}),
        ...(o.ignored ? { ignored: o.ignored } : {}),
        ...(failed ? { failed } : {}),
      };
      if (o.ignored && !o.command) ctx.logger.debug(line, 'update ignored');
      else ctx.logger.info(line, 'update handled');
    }
  };
}

/** Logs an error of an update: a user who blocked or removed the bot is a warning, the rest errors. */
export function logError(logger: Logger, ctx: BotContext, err: unknown): void {
  const expected = err instanceof TelegramError && err.code === 403;
  const fields = { err, update_type: ctx.updateType, command: ctx.outcome?.command };
  if (expected) logger.warn(fields, 'Telegram refused the reply');
  else logger.error(fields, 'update failed');
}

async function apologize(ctx: BotContext, err: unknown): Promise<void> {
  if (!ctx.outcome.command || ctx.outcome.ignored) return;
  // When Telegram itself could not be reached (or refused us the chat), an apology would fail the
  // same way; a bad request (400) or a bug of ours is worth one.
  const kind = classifyFailure(err);
  if (kind !== 'other' && !(kind === 'refused' && err instanceof TelegramError && err.code === 400)) return;
  try {
    if (ctx.callbackQuery) await ctx.answerCbQuery(ERROR_TEXT);
    else if (ctx.chat && ctx.message) await ctx.reply(ERROR_TEXT);
  } catch {
    // The apology is best effort: the reason we failed may be that we cannot write here at all.
  }
}
