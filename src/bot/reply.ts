/**
 * Sending answers: rendered messages in order (in groups the first one a reply to the asker), the
 * typing indicator while the engine works, follow-up context saved, declines reported.
 */
import type { Answer, AskContext } from '../engine/types.js';
import { renderTelegram, type TelegramMessage } from '../render/telegram.js';
import { tooLongText } from '../render/texts.js';
import type { BotContext, BotDependencies } from './types.js';

/** Whether the update comes from a group or supergroup. */
export function isGroup(ctx: BotContext): boolean {
  return ctx.chat?.type === 'group' || ctx.chat?.type === 'supergroup';
}

/** In groups, the message to reply to: the one that asked (undefined in private chats). */
export function replyTarget(ctx: BotContext): number | undefined {
  return isGroup(ctx) && ctx.message ? ctx.message.message_id : undefined;
}

/** Sends messages in order, buttons on the last; returns the ids of the messages sent. */
export async function sendMessages(
  ctx: BotContext,
  messages: readonly TelegramMessage[],
  options: { replyTo?: number } = {},
): Promise<number[]> {
  const ids: number[] = [];
  for (const [i, m] of messages.entries()) {
    const sent = await ctx.reply(m.text, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...(m.buttons.length > 0
        ? { reply_markup: { inline_keyboard: m.buttons.map((row) => row.map((b) => ({ ...b }))) } }
        : {}),
      ...(i === 0 && options.replyTo !== undefined
        ? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } }
        : {}),
    });
    ids.push(sent.message_id);
  }
  ctx.outcome.sent = (ctx.outcome.sent ?? 0) + ids.length;
  return ids;
}

/** The store keys of a chat and of one bot message in it. */
export const contextKeys = {
  chat: (chatId: number) => `chat:${chatId}`,
  message: (chatId: number, messageId: number) => `msg:${chatId}:${messageId}`,
};

/** Options of {@link askAndReply}. */
export interface AskOptions {
  /** The message to reply to (groups). */
  readonly replyTo?: number;
  /** A bot message the question replies to: its context comes before the chat's. */
  readonly repliedTo?: number;
}

/**
 * Asks the engine and replies: typing indicator, follow-up context, the answer's messages, and
 * a report of a declined or ambiguous question.
 */
export async function askAndReply(
  ctx: BotContext,
  deps: BotDependencies,
  question: string,
  options: AskOptions = {},
): Promise<void> {
  const chatId = ctx.chat?.id;
  if (chatId === undefined) return;
  if (question.length > deps.maxQuestionChars) {
    // Not worth a search: say so in one line.
    ctx.outcome.answer = 'none';
    ctx.outcome.reason = 'too-long';
    await sendMessages(ctx, [{ text: tooLongText(deps.maxQuestionChars), buttons: [] }], {
      replyTo: options.replyTo,
    });
    return;
  }
  // The engine answers in about a millisecond; the indicator overlaps with it and with the lookup.
  const typing = ctx.sendChatAction('typing').catch((err: unknown) => {
    ctx.logger.debug({ err }, 'typing indicator failed');
  });
  const engine = deps.getEngine();
  const context = await lookUpContext(deps, chatId, options.repliedTo);
  const answer = engine.answer(question, context);
  recordAnswer(ctx, answer);
  if (answer.kind !== 'answered') reportUnanswered(ctx, deps, answer);
  await typing;
  const ids = await sendMessages(ctx, renderTelegram(answer), { replyTo: options.replyTo });
  if (answer.kind === 'answered') {
    // A follow-up ("那兴和县呢？") keeps the question it followed, so the next one can follow it too.
    await saveContext(deps, chatId, ids, answer.followUpOf ?? question, answer);
  }
}

/** Sends an answer made without a question typed (a button, a deep link) and saves its context. */
export async function replyWithAnswer(
  ctx: BotContext,
  deps: BotDependencies,
  answer: Answer,
  options: { replyTo?: number } = {},
): Promise<void> {
  recordAnswer(ctx, answer);
  const ids = await sendMessages(ctx, renderTelegram(answer), { replyTo: options.replyTo });
  const chatId = ctx.chat?.id;
  if (answer.kind === 'answered' && chatId !== undefined) {
    await saveContext(deps, chatId, ids, answer.question, answer);
  }
}

/** `{ replyTo }` when there is a message to reply to, for the options of the senders. */
async function lookUpContext(
  deps: BotDependencies,
  chatId: number,
  repliedTo: number | undefined,
): Promise<AskContext | undefined> {
  if (repliedTo !== undefined) {
    const own = await deps.contexts.get(contextKeys.message(chatId, repliedTo));
    if (own) return own;
  }
  return deps.contexts.get(contextKeys.chat(chatId));
}

async function saveContext(
  deps: BotDependencies,
  chatId: number,
  messageIds: readonly number[],
  question: string,
  answer: Extract<Answer, { kind: 'answered' }>,
): Promise<void> {
  const first = answer.parts[0];
  if (!first) return;
  const context: AskContext = {
    previous: {
      question,
      entryId: first.entry.id,
      ...(first.entry.regionId ? { regionId: first.entry.regionId } : {}),
    },
  };
  await deps.contexts.set(contextKeys.chat(chatId), context);
  for (const id of messageIds) await deps.contexts.set(contextKeys.message(chatId, id), context);
}

/** Notes the engine's verdict on the update's outcome, for its log line. */
export function recordAnswer(ctx: BotContext, answer: Answer): void {
  ctx.outcome.answer = answer.kind;
  if (answer.kind === 'answered') ctx.outcome.entries = answer.parts.map((p) => p.entry.id);
  else if (answer.kind === 'ambiguous') ctx.outcome.entries = answer.options.map((o) => o.id);
  else {
    ctx.outcome.reason = answer.reason;
    if (answer.best) ctx.outcome.entries = [answer.best.id];
  }
}

// Greetings, thanks and empty questions are small talk, not knowledge that is missing.
const NOT_A_GAP = new Set(['greeting', 'thanks', 'empty']);

function reportUnanswered(
  ctx: BotContext,
  deps: BotDependencies,
  answer: Exclude<Answer, { kind: 'answered' }>,
): void {
  if (!deps.onUnanswered) return;
  if (answer.kind === 'none' && NOT_A_GAP.has(answer.reason)) return;
  const best = answer.best;
  try {
    deps.onUnanswered({
      question: answer.question,
      time: new Date(deps.now()).toISOString(),
      chatType: ctx.chat?.type ?? 'unknown',
      kind: answer.kind,
      ...(answer.kind === 'none' ? { reason: answer.reason } : {}),
      ...(best ? { best: { id: best.id, score: best.score } } : {}),
    });
  } catch (err) {
    // A broken log must not cost the user the reply.
    ctx.logger.warn({ err }, 'onUnanswered failed');
  }
}
