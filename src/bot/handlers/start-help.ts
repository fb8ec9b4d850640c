/**
 * /start (welcome, example questions as buttons; a deep link `/start <entry id>` answers that
 * entry), /help (how to ask, in groups too) and /about or /source (what the bot knows, and where
 * it comes from).
 */
import { Composer } from 'telegraf';
import { aboutText, exampleButtons, helpText, welcomeText } from '../../render/texts.js';
import { replyTarget, replyWithAnswer, sendMessages } from '../reply.js';
import type { BotContext, BotDependencies } from '../types.js';
import { START_PARAMETER } from './inline.js';

/** The start, help and about commands. */
export function startHelpFeature(deps: BotDependencies): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.start(async (ctx) => {
    ctx.outcome.command = 'start';
    const engine = deps.getEngine();
    const payload = ctx.payload.trim();
    const answer = START_PARAMETER.test(payload) ? engine.answerEntry(payload) : undefined;
    if (answer) {
      ctx.outcome.command = 'start:entry';
      await replyWithAnswer(ctx, deps, answer, { replyTo: replyTarget(ctx) });
      return;
    }
    await sendMessages(
      ctx,
      [{ text: welcomeText(ctx.from?.first_name), buttons: exampleButtons(engine.examples()) }],
      { replyTo: replyTarget(ctx) },
    );
  });

  feature.help(async (ctx) => {
    ctx.outcome.command = 'help';
    await sendMessages(ctx, [{ text: helpText(ctx.me), buttons: [] }], { replyTo: replyTarget(ctx) });
  });

  feature.command(['about', 'source'], async (ctx) => {
    ctx.outcome.command = ctx.command;
    const engine = deps.getEngine();
    await sendMessages(ctx, [{ text: aboutText(engine.sources, engine.size), buttons: [] }], {
      replyTo: replyTarget(ctx),
    });
  });

  return feature;
}
