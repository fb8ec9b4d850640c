/**
 * Inline mode: `@Bot 问题` in any chat offers up to five answers (each region's answer its own
 * result when the engine answers for two); an empty query offers the example questions. Choosing
 * a result posts the full cited answer, with a button that opens the bot for more.
 */
import { Composer } from 'telegraf';
import type { InlineQueryResult } from 'telegraf/types';
import type { AnswerEngine } from '../../engine/answer.js';
import type { Answer, Answered, EntryRef } from '../../engine/types.js';
import { type InlineArticle, inlineArticle, MAX_INLINE_RESULTS, splitParts } from '../../render/inline.js';
import { formatHeadline } from '../../render/plain.js';
import { recordAnswer } from '../reply.js';
import type { BotContext, BotDependencies } from '../types.js';
import { stripMentions } from './ask.js';

/** How long Telegram may cache an inline answer, in seconds (answers change only on reload). */
export const INLINE_CACHE_SECONDS = 60;

/** What Telegram allows in a /start deep-link parameter. */
export const START_PARAMETER = /^[A-Za-z0-9_-]{1,64}$/;

const SMALL_TALK = new Set(['greeting', 'thanks', 'empty']);

/** Inline queries. */
export function inlineFeature(deps: BotDependencies): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.on('inline_query', async (ctx) => {
    ctx.outcome.command = 'inline';
    const engine = deps.getEngine();
    const question = stripMentions(ctx.inlineQuery.query, ctx.me).trim();
    // A deep link opens the bot with `/start <entry id>`; Telegram allows only these characters there.
    const link = (id: string) =>
      START_PARAMETER.test(id)
        ? { text: '🔎 在机器人里查看完整回答', url: `https://t.me/${ctx.me}?start=${id}` }
        : undefined;

    const answer = question ? engine.answer(question) : undefined;
    if (answer) recordAnswer(ctx, answer);
    // A declined question still offers something to choose: what the article says nearby, or examples.
    const offered = answer ? candidates(engine, answer) : [];
    const results =
      offered.length > 0
        ? offered.map((a) => {
            const id = a.parts[0]?.entry.id ?? 'answer';
            const button = link(id);
            return inlineArticle(a, id, button ? { link: button } : {});
          })
        : examples(engine, link);
    const notFound = answer !== undefined && answer.kind === 'none' && !SMALL_TALK.has(answer.reason);
    ctx.outcome.sent = results.length;
    await ctx.answerInlineQuery(results.map(toResult), {
      cache_time: INLINE_CACHE_SECONDS,
      ...(notFound
        ? { button: { text: '报道里没有找到答案 · 点此私聊提问', start_parameter: 'inline' } }
        : {}),
    });
  });

  return feature;
}

/** The answers to offer, best first, one entry each: the parts, then the related or suggested entries. */
function candidates(engine: AnswerEngine, answer: Answer): Answered[] {
  const out: Answered[] = [];
  const seen = new Set<string>();
  const add = (a: Answered | undefined) => {
    const id = a?.parts[0]?.entry.id;
    if (!a || !id || seen.has(id) || out.length >= MAX_INLINE_RESULTS) return;
    seen.add(id);
    out.push(a);
  };
  const byEntry = (refs: readonly EntryRef[]) => {
    for (const r of refs) {
      const a = engine.answerEntry(r.id);
      if (a?.kind === 'answered') add(a);
    }
  };
  if (answer.kind === 'answered') {
    for (const part of splitParts(answer)) add(part);
    byEntry(answer.related);
  } else if (answer.kind === 'ambiguous') byEntry(answer.options);
  else byEntry(answer.suggestions);
  return out;
}

function examples(
  engine: AnswerEngine,
  link: (id: string) => { text: string; url: string } | undefined,
): InlineArticle[] {
  const out: InlineArticle[] = [];
  for (const ref of engine.examples()) {
    const a = engine.answerEntry(ref.id);
    if (a?.kind !== 'answered' || out.length >= MAX_INLINE_RESULTS) continue;
    const part = a.parts[0];
    const button = link(ref.id);
    out.push(
      inlineArticle(a, ref.id, {
        ...(button ? { link: button } : {}),
        title: `💬 ${ref.question}`,
        ...(part ? { description: formatHeadline(part) } : {}),
      }),
    );
  }
  return out;
}

// Telegraf's InlineQueryResult is a union of mutable shapes; ours is one readonly article shape.
function toResult(article: InlineArticle): InlineQueryResult {
  return structuredClone(article) as unknown as InlineQueryResult;
}
