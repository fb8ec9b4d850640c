/**
 * Answer → Telegram messages: HTML with every piece of knowledge or user text escaped, inline
 * buttons whose data is stateless (an action and an entry id, within Telegram's 64 bytes), and
 * splitting at sentence boundaries so that no message passes 4,096 characters.
 */
import type { EntryDetail } from '../engine/answer.js';
import type { Answer, AnswerPart, EntryRef } from '../engine/types.js';
import {
  formatCitation,
  formatHeadline,
  formatSource,
  formatSpeaker,
  noAnswerText,
  partLabel,
} from './plain.js';

/** Telegram's limit on a message's text, after entity parsing. */
export const MAX_MESSAGE_LENGTH = 4096;
/** Telegram's limit on callback data, in bytes. */
export const MAX_CALLBACK_BYTES = 64;

/** One inline button. */
export interface Button {
  readonly text: string;
  readonly callback_data: string;
}

/** A message ready for sendMessage: HTML text and, on the last message, the buttons. */
export interface TelegramMessage {
  readonly text: string;
  readonly buttons: readonly (readonly Button[])[];
}

/** The actions a button can ask for; the data is `<action>:<entry id>`. */
export type ButtonAction = 'ask' | 'full' | 'src';

/** Builds callback data for an action on an entry; undefined when it would pass 64 bytes. */
export function callbackData(action: ButtonAction, id: string): string | undefined {
  const data = `${action}:${id}`;
  return Buffer.byteLength(data, 'utf8') <= MAX_CALLBACK_BYTES ? data : undefined;
}

/** Reads callback data back; undefined for data this bot did not make (or made by an old version). */
export function parseCallbackData(data: string): { action: ButtonAction; id: string } | undefined {
  const m = /^(ask|full|src):([a-z0-9-]{1,40})$/.exec(data);
  return m ? { action: m[1] as ButtonAction, id: m[2] as string } : undefined;
}

/** Escapes text for Telegram's HTML parse mode (& < > always; " too, for attributes). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Renders an answer as one or more Telegram messages; the buttons go under the last one. */
export function renderTelegram(answer: Answer): TelegramMessage[] {
  switch (answer.kind) {
    case 'answered': {
      const blocks: string[] = [];
      if (answer.check) {
        const figures = answer.parts[0]?.figures.map((f) => f.text).join('、') ?? '';
        blocks.push(
          answer.check.correct
            ? `✅ ${answer.check.approximate ? '差不多' : '是的'}，报道中是 <b>${escapeHtml(figures)}</b>。`
            : `❌ 不是。报道中是 <b>${escapeHtml(figures)}</b>。`,
        );
      }
      // Several parts (both regions, a plan and its result): every figure first, one line each.
      const several = answer.parts.length > 1;
      const heads = answer.parts.map((p) => `<b>${escapeHtml(formatHeadline(p))}</b>`);
      if (answer.comparison) heads.push(`⚖️ ${escapeHtml(answer.comparison)}`);
      if (several) blocks.push(heads.join('\n'));
      for (const part of answer.parts) blocks.push(partHtml(part, several));
      return pack(blocks, answerButtons(answer));
    }
    case 'ambiguous':
      return pack(
        [escapeHtml(answer.prompt)],
        answer.options
          .map((o) => button(refLabel(o), 'ask', o.id))
          .filter(isButton)
          .map((b) => [b]),
      );
    case 'none': {
      // A greeting gets a few examples; a decline, what can be asked instead.
      const buttons = answer.suggestions
        .slice(0, answer.reason === 'greeting' || answer.reason === 'empty' ? 3 : 6)
        .map((r) => button(refLabel(r), 'ask', r.id))
        .filter(isButton)
        .map((b) => [b]);
      return pack([escapeHtml(noAnswerText(answer))], buttons);
    }
  }
}

/** Renders an entry's full text (the "完整回答" button): the question asked, the whole answer, the source. */
export function renderDetail(detail: EntryDetail): TelegramMessage[] {
  const blocks = [`<b>${escapeHtml(detail.title)}</b>`];
  if (detail.asked) blocks.push(`<i>${escapeHtml(detail.asked)}</i>`);
  const who = detail.speaker ? `${formatSpeaker(detail.speaker)}：` : '';
  blocks.push(escapeHtml(`${who}${detail.text}`));
  blocks.push(`—— <i>${escapeHtml(formatCitation(detail.citation))}</i>`);
  const src = button('📰 出处', 'src', detail.ref.id);
  return pack(blocks, src ? [[src]] : []);
}

/** Renders where an entry was printed (the "出处" button). */
export function renderSource(detail: EntryDetail, about: string): TelegramMessage[] {
  return pack([`📰 ${escapeHtml(formatCitation(detail.citation))}`, escapeHtml(about)], []);
}

function partHtml(part: AnswerPart, several: boolean): string {
  const lines = [
    `${several ? `【${escapeHtml(partLabel(part))}】` : ''}“${escapeHtml(part.lead)}”`,
    `—— <i>${escapeHtml(formatSource(part))}</i>`,
  ];
  return several ? lines.join('\n') : [`<b>${escapeHtml(formatHeadline(part))}</b>`, ...lines].join('\n');
}

function answerButtons(answer: Extract<Answer, { kind: 'answered' }>): Button[][] {
  const rows: Button[][] = [];
  const first = answer.parts[0];
  if (!first) return rows;
  // The full reply is the turn the figure was said in (the first related turn), or the entry itself.
  const fullOf = (part: AnswerPart) =>
    part.entry.kind === 'fact'
      ? answer.related.find((r) => r.kind === 'turn' && r.regionId === part.entry.regionId)
      : part.entry;
  const top: Button[] = [];
  for (const part of answer.parts) {
    const full = fullOf(part);
    const label = answer.parts.length > 1 ? `📄 ${part.entry.regionName ?? ''}完整回答` : '📄 完整回答';
    const b = full ? button(label, 'full', full.id) : undefined;
    if (b && !top.some((x) => x.callback_data === b.callback_data)) top.push(b);
  }
  const src = button('📰 出处', 'src', first.entry.id);
  if (src) top.push(src);
  rows.push(top);
  for (const r of answer.related
    .filter((x) => x.kind !== 'turn' || !top.some((b) => b.callback_data === `full:${x.id}`))
    .slice(0, 3)) {
    const b = button(`🔎 ${refLabel(r)}`, 'ask', r.id);
    if (b) rows.push([b]);
  }
  return rows;
}

function refLabel(r: EntryRef): string {
  const label = r.regionName ? `${r.regionName} · ${r.label}` : r.label;
  return label.length > 30 ? `${label.slice(0, 29)}…` : label;
}

function button(text: string, action: ButtonAction, id: string): Button | undefined {
  const data = callbackData(action, id);
  return data ? { text, callback_data: data } : undefined;
}

function isButton(b: Button | undefined): b is Button {
  return b !== undefined;
}

/** The length Telegram counts: the text after entity parsing, in UTF-16 code units. */
export function visibleLength(html: string): number {
  return html.replace(/<[^>]+>/g, '').replace(/&(lt|gt|amp|quot);/g, '_').length;
}

/**
 * Packs blocks (each a complete HTML fragment) into messages under the limit. A block too long for
 * one message holds no tags (it is escaped text) and is cut at sentence boundaries.
 */
function pack(blocks: readonly string[], buttons: readonly (readonly Button[])[]): TelegramMessage[] {
  const pieces: string[] = [];
  for (const b of blocks) {
    if (visibleLength(b) <= MAX_MESSAGE_LENGTH) pieces.push(b);
    else pieces.push(...splitText(b, MAX_MESSAGE_LENGTH));
  }
  const texts: string[] = [];
  let current = '';
  for (const p of pieces) {
    const next = current ? `${current}\n\n${p}` : p;
    if (visibleLength(next) <= MAX_MESSAGE_LENGTH) current = next;
    else {
      if (current) texts.push(current);
      current = p;
    }
  }
  if (current) texts.push(current);
  return texts.map((text, i) => ({ text, buttons: i === texts.length - 1 ? buttons : [] }));
}

/**
 * Cuts escaped text into chunks of at most `max` visible characters, at sentence ends where it can,
 * never inside an HTML entity (&amp;) or a surrogate pair.
 */
export function splitText(html: string, max: number): string[] {
  const sentences = html.match(/[^。！？；\n]+[。！？；\n]*|[。！？；\n]+/g) ?? [html];
  const out: string[] = [];
  let current = '';
  for (const s of sentences) {
    if (visibleLength(current + s) <= max) {
      current += s;
      continue;
    }
    if (current) out.push(current);
    current = '';
    if (visibleLength(s) <= max) {
      current = s;
      continue;
    }
    // One sentence longer than a message: cut by characters, keeping entities and pairs whole.
    const units = s.match(/&(?:lt|gt|amp|quot);|[\uD800-\uDBFF][\uDC00-\uDFFF]|[\s\S]/g) ?? [];
    let chunk = '';
    for (const u of units) {
      if (visibleLength(chunk + u) > max) {
        out.push(chunk);
        chunk = '';
      }
      chunk += u;
    }
    current = chunk;
  }
  if (current) out.push(current);
  return out.map((x) => x.trim()).filter(Boolean);
}
