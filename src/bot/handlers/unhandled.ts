/**
 * Everything the other features leave: stickers, photos, voice and other non-text messages get a
 * polite word in private chats and silence in groups; edited messages, channel posts, service
 * messages and unknown update kinds are ignored; joining a group earns one short greeting.
 */
import { Composer } from 'telegraf';
import { groupGreetingText, NOT_TEXT_TEXT } from '../../render/texts.js';
import { contextKeys, sendMessages } from '../reply.js';
import type { BotContext, BotDependencies } from '../types.js';

// What a user can send that is not text; service messages (joins, pins …) are none of these.
const USER_CONTENT = [
  'sticker',
  'photo',
  'voice',
  'video',
  'video_note',
  'audio',
  'document',
  'animation',
  'location',
  'venue',
  'contact',
  'poll',
  'dice',
  'story',
] as const;

const PRESENT = new Set(['member', 'administrator', 'creator', 'restricted']);

/** The last feature: polite or silent about whatever is left. */
export function unhandledFeature(deps: BotDependencies): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.on('my_chat_member', async (ctx) => {
    const { chat, old_chat_member: was, new_chat_member: now } = ctx.myChatMember;
    ctx.outcome.command = 'membership';
    if (!PRESENT.has(now.status)) {
      // Removed or blocked: nothing to say, nothing to remember.
      ctx.outcome.ignored = `membership:${now.status}`;
      await deps.contexts.delete(contextKeys.chat(chat.id));
      return;
    }
    if (PRESENT.has(was.status) || (chat.type !== 'group' && chat.type !== 'supergroup')) {
      ctx.outcome.ignored = 'membership';
      return;
    }
    await sendMessages(ctx, [{ text: groupGreetingText(ctx.me), buttons: [] }]);
  });

  feature.on('message', async (ctx) => {
    const msg = ctx.message;
    const kind = USER_CONTENT.find((k) => k in msg);
    if (ctx.chat.type === 'private' && kind && !('via_bot' in msg && msg.via_bot)) {
      ctx.outcome.command = `non-text:${kind}`;
      await sendMessages(ctx, [{ text: NOT_TEXT_TEXT, buttons: [] }]);
      return;
    }
    ctx.outcome.ignored = kind ?? 'service-message';
  });

  feature.use((ctx) => {
    ctx.outcome.ignored ??= ctx.updateType;
  });

  return feature;
}
