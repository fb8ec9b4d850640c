/**
 * Questions. In a private chat any text is a question. In groups (privacy mode on) the bot answers
 * `/ask 问题`, `/ask@Bot 问题`, replies to its own messages (follow-ups) and `@Bot 问题` when it
 * sees it, always as a reply to the asker; it leaves other chatter and other bots' commands alone.
 */
import { Composer } from 'telegraf';
import { message } from 'telegraf/filters';
import type { MessageEntity } from 'telegraf/types';
import { askUsageText, exampleButtons, UNKNOWN_COMMAND_TEXT } from '../../render/texts.js';
import { askAndReply, isGroup, replyTarget, sendMessages } from '../reply.js';
import type { BotContext, BotDependencies } from '../types.js';

/** The /ask command and free text. */
export function askFeature(deps: BotDependencies): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command('ask', async (ctx) => {
    ctx.outcome.command = 'ask';
    const question = stripMentions(ctx.payload, ctx.me).trim();
    if (!question) {
      await sendMessages(
        ctx,
        [{ text: askUsageText(ctx.me), buttons: exampleButtons(deps.getEngine().examples(), 3) }],
        { replyTo: replyTarget(ctx) },
      );
      return;
    }
    await askAndReply(ctx, deps, question, {
      replyTo: replyTarget(ctx),
      repliedTo: repliedToBot(ctx),
    });
  });

  feature.on(message('text'), async (ctx) => {
    const msg = ctx.message;
    // Our own inline answers, posted by a user into a chat, are not questions to us.
    if (msg.via_bot?.id === ctx.botInfo.id || msg.from.is_bot) {
      ctx.outcome.ignored = msg.via_bot ? 'via-bot' : 'from-bot';
      return;
    }
    const command = commandOf(msg.text, msg.entities);
    if (command) {
      const forMe = command.target === undefined ? !isGroup(ctx) : sameName(command.target, ctx.me);
      if (!forMe) {
        ctx.outcome.ignored = command.target ? 'other-bot' : 'command';
        return;
      }
      ctx.outcome.command = `unknown:${command.name.slice(0, 32)}`;
      await sendMessages(ctx, [{ text: UNKNOWN_COMMAND_TEXT, buttons: [] }], { replyTo: replyTarget(ctx) });
      return;
    }

    if (!isGroup(ctx)) {
      ctx.outcome.command = 'text';
      await askAndReply(ctx, deps, stripMentions(msg.text, ctx.me, msg.entities));
      return;
    }

    const replied = repliedToBot(ctx);
    const mentioned = mentionsOf(msg.text, msg.entities).some((m) => sameName(m, ctx.me));
    if (replied === undefined && !mentioned) {
      ctx.outcome.ignored = 'chatter';
      return;
    }
    ctx.outcome.command = replied !== undefined ? 'reply' : 'mention';
    const question = stripMentions(msg.text, ctx.me, msg.entities).trim();
    if (!question) {
      await sendMessages(ctx, [{ text: askUsageText(ctx.me), buttons: [] }], { replyTo: msg.message_id });
      return;
    }
    await askAndReply(ctx, deps, question, { replyTo: msg.message_id, repliedTo: replied });
  });

  return feature;
}

/** The id of the bot's message this message replies to, if it replies to one. */
function repliedToBot(ctx: BotContext): number | undefined {
  const msg = ctx.message;
  if (!msg || !('reply_to_message' in msg) || !msg.reply_to_message) return undefined;
  return msg.reply_to_message.from?.id === ctx.botInfo.id ? msg.reply_to_message.message_id : undefined;
}

/** A leading bot command: `/name` or `/name@target`. */
function commandOf(
  text: string,
  entities: readonly MessageEntity[] | undefined,
): { name: string; target?: string } | undefined {
  const first = entities?.[0];
  if (first?.type !== 'bot_command' || first.offset !== 0) return undefined;
  const [name = '', target] = text.slice(1, first.length).split('@');
  return target ? { name, target } : { name };
}

/** The usernames @mentioned in a message (without the @). */
function mentionsOf(text: string, entities: readonly MessageEntity[] | undefined): string[] {
  return (entities ?? [])
    .filter((e) => e.type === 'mention')
    .map((e) => text.slice(e.offset + 1, e.offset + e.length));
}

/**
 * Removes @mentions of this bot from a text. With entities, only real mentions (Telegram's
 * offsets are UTF-16, as JavaScript's); without, any `@username` word.
 */
export function stripMentions(text: string, username: string, entities?: readonly MessageEntity[]): string {
  if (!entities) {
    const escaped = username.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return text
      .replace(new RegExp(`@${escaped}\\b`, 'gi'), ' ')
      .replace(/\s+/g, ' ')
      .trim();
  }
  let out = text;
  const mine = entities
    .filter((e) => e.type === 'mention' && sameName(text.slice(e.offset + 1, e.offset + e.length), username))
    .sort((a, b) => b.offset - a.offset);
  for (const e of mine) out = `${out.slice(0, e.offset)} ${out.slice(e.offset + e.length)}`;
  return out.replace(/\s+/g, ' ').trim();
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
