/**
 * Per-user flood control: a user who sends more than a few questions in a few seconds gets one
 * polite notice, then silence until they slow down. Only what the bot would answer counts (any
 * message in a private chat, a button press, and in groups a command, mention or reply meant for
 * this bot); group chatter, inline queries and membership updates never do.
 */
import type { MiddlewareFn } from 'telegraf';
import type { MessageEntity } from 'telegraf/types';
import { floodNoticeText } from '../../render/texts.js';
import type { FloodRule, FloodStore } from '../flood-store.js';
import { replyTarget, sendMessages } from '../reply.js';
import type { BotContext, BotDependencies } from '../types.js';

// The commands the bot answers in groups without @name (Telegraf matches them either way).
const GROUP_COMMANDS = new Set(['ask', 'start', 'help', 'about', 'source']);

/** The flood-control middleware; place it after the update log and before the features. */
export function floodControl(
  deps: BotDependencies,
  rule: FloodRule,
  store: FloodStore,
): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const userId = ctx.from?.id;
    if (userId === undefined || !isQuestion(ctx)) return next();
    const verdict = await store.hit(`user:${userId}`, deps.now(), rule);
    if (verdict === 'allow') return next();
    if (verdict === 'silent') {
      ctx.outcome.ignored = 'flood';
      // A pressed button spins until answered: stop it, without a word.
      if (ctx.callbackQuery) await ctx.answerCbQuery();
      return;
    }
    ctx.outcome.command = 'flood-notice';
    const text = floodNoticeText(Math.ceil(rule.windowMs / 1000));
    if (ctx.callbackQuery) await ctx.answerCbQuery(text);
    else await sendMessages(ctx, [{ text, buttons: [] }], { replyTo: replyTarget(ctx) });
  };
}

/** Whether the update is something the bot would answer (and so counts as a question). */
export function isQuestion(ctx: BotContext): boolean {
  if (ctx.callbackQuery) return true;
  const msg = ctx.message;
  if (!msg || !ctx.chat) return false;
  if (msg.from?.is_bot || ('via_bot' in msg && msg.via_bot)) return false;
  if (ctx.chat.type === 'private') return true;
  if (ctx.chat.type !== 'group' && ctx.chat.type !== 'supergroup') return false;
  if (!('text' in msg) || typeof msg.text !== 'string') return false;
  const me = (ctx.me ?? '').toLowerCase();
  if (msg.reply_to_message?.from?.id === ctx.botInfo?.id) return true;
  const entities: readonly MessageEntity[] = Array.isArray(msg.entities) ? msg.entities : [];
  const first = entities[0];
  if (first?.type === 'bot_command' && first.offset === 0) {
    const [name = '', target] = msg.text.slice(1, first.length).toLowerCase().split('@');
    return target === undefined ? GROUP_COMMANDS.has(name) : target === me;
  }
  return entities.some(
    (e) => e.type === 'mention' && msg.text.slice(e.offset + 1, e.offset + e.length).toLowerCase() === me,
  );
}
