/**
 * Answers → inline query results: one article result per answered entry (the figure or headline as
 * the title, who said it as the description), posting the full cited answer when chosen.
 */
import type { Answer, Answered, AnswerPart } from '../engine/types.js';
import { formatCitation, formatHeadline, formatSpeaker } from './plain.js';
import { renderTelegram } from './telegram.js';

/** Telegram's limit on an inline result's id, in bytes. */
export const MAX_INLINE_ID_BYTES = 64;
/** How many results the bot offers at most. */
export const MAX_INLINE_RESULTS = 5;

/** An InlineQueryResultArticle, as answerInlineQuery takes it. */
export interface InlineArticle {
  readonly type: 'article';
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly input_message_content: {
    readonly message_text: string;
    readonly parse_mode: 'HTML';
    readonly link_preview_options: { readonly is_disabled: true };
  };
  readonly reply_markup?: { readonly inline_keyboard: readonly (readonly { text: string; url: string }[])[] };
}

/**
 * The answered parts of an answer, each as an answer of its own: a question answered for two
 * regions gives two, so that each region's answer is its own inline result.
 */
export function splitParts(answer: Answer): Answered[] {
  if (answer.kind !== 'answered') return [];
  if (answer.parts.length <= 1) return [answer];
  return answer.parts.map((part) => singlePart(answer, part));
}

function singlePart(answer: Answered, part: AnswerPart): Answered {
  return {
    kind: 'answered',
    question: answer.question,
    parts: [part],
    related: answer.related.filter((r) => r.regionId === undefined || r.regionId === part.entry.regionId),
    confidence: answer.confidence,
  };
}

/**
 * One inline result for an answer of one part: title the figure or headline, description who
 * said it (and the lead), message the full cited answer. `link` adds a button that opens the bot;
 * `title` and `description` replace the defaults (example questions show the question as title).
 */
export function inlineArticle(
  answer: Answered,
  id: string,
  options: { link?: { text: string; url: string }; title?: string; description?: string } = {},
): InlineArticle {
  const { link } = options;
  const part = answer.parts[0];
  const [message] = renderTelegram(answer);
  const title = options.title ?? (part ? formatHeadline(part) : answer.question);
  const who = part?.speaker ? formatSpeaker(part.speaker) : part ? formatCitation(part.citation) : '';
  const description = options.description ?? (part ? `${who}：${part.lead}` : who);
  return {
    type: 'article',
    id: inlineId(id),
    title: clip(title, 120),
    ...(description ? { description: clip(description, 200) } : {}),
    input_message_content: {
      message_text: message?.text ?? title,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    },
    ...(link ? { reply_markup: { inline_keyboard: [[link]] } } : {}),
  };
}

/** An inline result that posts a plain message (no answer): for "nothing found" and the like. */
export function inlineNotice(id: string, title: string, description: string, html: string): InlineArticle {
  return {
    type: 'article',
    id: inlineId(id),
    title: clip(title, 120),
    description: clip(description, 200),
    input_message_content: {
      message_text: html,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    },
  };
}

function inlineId(id: string): string {
  let out = id;
  while (Buffer.byteLength(out, 'utf8') > MAX_INLINE_ID_BYTES) out = out.slice(0, -1);
  return out;
}

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}
