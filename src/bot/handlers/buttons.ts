/**
 * Button presses. The data is stateless (`ask:<id>`, `full:<id>`, `src:<id>`), so any replica can
 * answer any press, however old. Every press is answered at once (before the reply is sent, so
 * the spinner stops and the query cannot grow too old); a stale or unknown button gets a polite
 * notice instead of an error.
 */
import { Composer } from 'telegraf';
import { parseCallbackData, renderDetail, renderSource } from '../../render/telegram.js';
import { INLINE_BUTTON_TEXT, STALE_BUTTON_TEXT } from '../../render/texts.js';
import { isGroup, replyWithAnswer, sendMessages } from '../reply.js';
import type { BotContext, BotDependencies } from '../types.js';

/** Callback queries from the bot's inline keyboards. */
export function buttonsFeature(deps: BotDependencies): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.on('callback_query', async (ctx) => {
    const query = ctx.callbackQuery;
    const data = 'data' in query ? query.data : undefined;
    const parsed = data === undefined ? undefined : parseCallbackData(data);
    ctx.outcome.command = parsed ? `button:${parsed.action}` : 'button:unknown';
    const engine = deps.getEngine();
    if (!parsed || !engine.ref(parsed.id)) {
      ctx.outcome.ignored = 'stale-button';
      await ctx.answerCbQuery(STALE_BUTTON_TEXT);
      return;
    }
    // Posted inline into a chat the bot may not be in: it cannot write there.
    if (!ctx.chat || !query.message) {
      ctx.outcome.ignored = 'inline-message';
      await ctx.answerCbQuery(INLINE_BUTTON_TEXT, { show_alert: true });
      return;
    }
    await ctx.answerCbQuery();
    // In groups the reply goes under the message whose button was pressed, to keep the thread.
    const replyTo = isGroup(ctx) ? query.message.message_id : undefined;
    const { action, id } = parsed;
    if (action === 'ask') {
      const answer = engine.answerEntry(id);
      if (answer) await replyWithAnswer(ctx, deps, answer, { replyTo });
      return;
    }
    const detail = engine.detail(id);
    if (!detail) return;
    ctx.outcome.entries = [id];
    if (action === 'full') {
      await sendMessages(ctx, renderDetail(detail), { replyTo });
      return;
    }
    const about = engine.sources.find((s) => s.id === detail.citation.sourceId)?.about ?? '';
    await sendMessages(ctx, renderSource(detail, about), { replyTo });
  });

  return feature;
}
