/**
 * Entities Telegram finds by itself in any message text (commands, mentions, hashtags, links),
 * and the clean-up Telegram applies to a formatted text before storing it.
 */
import { sortEntities, type TgMessageEntity } from './html.js';

const WORD = /[\p{L}\p{N}_]/u;
const HASHTAG_LETTER = /[\p{L}\p{Nd}_\u200c\u00b7\u0d80-\u0dff]/u;
const ASCII_WORD = /[A-Za-z0-9_]/;

function codePointBefore(text: string, index: number): string {
  if (index <= 0) return '';
  const low = text.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.slice(index - 2, index);
  }
  return text.slice(index - 1, index);
}

function codePointAt(text: string, index: number): string {
  const cp = text.codePointAt(index);
  return cp === undefined ? '' : String.fromCodePoint(cp);
}

function scanAscii(text: string, from: number): number {
  let end = from;
  while (end < text.length && ASCII_WORD.test(text[end] ?? '')) end++;
  return end;
}

// TDLib's match_bot_commands: /cmd or /cmd@bot, not glued to words, slashes or angle brackets.
function findBotCommands(text: string): TgMessageEntity[] {
  const found: TgMessageEntity[] = [];
  const bad = (ch: string) => ch !== '' && (WORD.test(ch) || ch === '/' || ch === '<' || ch === '>');
  let pos = text.indexOf('/');
  while (pos !== -1) {
    const start = pos;
    let next = pos + 1;
    if (!bad(codePointBefore(text, start))) {
      const nameEnd = scanAscii(text, start + 1);
      next = nameEnd;
      const nameLength = nameEnd - start - 1;
      let end = nameEnd;
      let ok = nameLength >= 1 && nameLength <= 64;
      if (ok && text[nameEnd] === '@') {
        const mentionEnd = scanAscii(text, nameEnd + 1);
        next = mentionEnd;
        const mentionLength = mentionEnd - nameEnd - 1;
        if (mentionLength < 3 || mentionLength > 32) ok = false;
        end = mentionEnd;
      }
      if (ok && !bad(codePointAt(text, next))) {
        found.push({ type: 'bot_command', offset: start, length: end - start });
      }
    }
    pos = text.indexOf('/', Math.max(next, start + 1));
  }
  return found;
}

// TDLib's match_mentions plus find_mentions' rule that usernames shorter than four are not links.
function findMentions(text: string): TgMessageEntity[] {
  const found: TgMessageEntity[] = [];
  let pos = text.indexOf('@');
  while (pos !== -1) {
    const start = pos;
    let next = pos + 1;
    const prev = codePointBefore(text, start);
    if (prev === '' || !WORD.test(prev)) {
      const end = scanAscii(text, start + 1);
      next = end;
      const length = end - start - 1;
      const after = codePointAt(text, end);
      if (length >= 4 && length <= 32 && (after === '' || !WORD.test(after))) {
        found.push({ type: 'mention', offset: start, length: end - start });
      }
    }
    pos = text.indexOf('@', Math.max(next, start + 1));
  }
  return found;
}

function findHashtags(text: string): TgMessageEntity[] {
  const found: TgMessageEntity[] = [];
  let pos = text.indexOf('#');
  while (pos !== -1) {
    const start = pos;
    let end = start + 1;
    const prev = codePointBefore(text, start);
    if (prev === '' || !HASHTAG_LETTER.test(prev)) {
      let hasLetter = false;
      let count = 0;
      while (end < text.length) {
        const ch = codePointAt(text, end);
        if (!HASHTAG_LETTER.test(ch)) break;
        if (/\p{L}/u.test(ch)) hasLetter = true;
        end += ch.length;
        count++;
      }
      if (count >= 1 && count <= 256 && hasLetter && text[end] !== '#') {
        found.push({ type: 'hashtag', offset: start, length: end - start });
      }
    }
    pos = text.indexOf('#', end);
  }
  return found;
}

const URL_WITH_SCHEME = /(?:https?|ftp|tg|ton):\/\/[^\s<>"«»]+/giu;
const BARE_DOMAIN =
  /(?<![\p{L}\p{N}_@.\-/])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|org|net|ru|io|cn|me|info|dev|app|gov|edu|uk|de|fr|jp|tv|co|ai)(?::\d{1,5})?(?:[/?#][^\s<>"«»]*)?(?![\p{L}\p{N}_])/giu;
const EMAIL = /(?<![\p{L}\p{N}_.+-])[a-z0-9._%+-]+@(?:[a-z0-9-]+\.)+[a-z]{2,}(?![\p{L}\p{N}_])/giu;

function trimUrlTail(match: string): string {
  let end = match.length;
  while (end > 0 && ".:;,('?!`".includes(match[end - 1] ?? '')) end--;
  return match.slice(0, end);
}

function findLinks(text: string): TgMessageEntity[] {
  const found: TgMessageEntity[] = [];
  for (const m of text.matchAll(EMAIL)) {
    found.push({ type: 'email', offset: m.index, length: m[0].length });
  }
  for (const re of [URL_WITH_SCHEME, BARE_DOMAIN]) {
    for (const m of text.matchAll(re)) {
      const url = trimUrlTail(m[0]);
      if (url.length > 0) found.push({ type: 'url', offset: m.index, length: url.length });
    }
  }
  return found;
}

const overlaps = (a: TgMessageEntity, b: TgMessageEntity): boolean =>
  a.offset < b.offset + b.length && b.offset < a.offset + a.length;

const OPAQUE = new Set(['code', 'pre', 'text_link', 'text_mention', 'custom_emoji']);

/**
 * Finds the entities Telegram detects automatically (bot_command, mention, hashtag, url, email),
 * skipping any that would overlap each other or a code, pre or link entity already present.
 */
export function detectEntities(text: string, existing: readonly TgMessageEntity[] = []): TgMessageEntity[] {
  const accepted: TgMessageEntity[] = [];
  const blockers = existing.filter((e) => OPAQUE.has(e.type));
  const candidates = [
    ...findLinks(text),
    ...findBotCommands(text),
    ...findMentions(text),
    ...findHashtags(text),
  ];
  for (const candidate of candidates) {
    if (blockers.some((b) => overlaps(b, candidate))) continue;
    if (accepted.some((a) => overlaps(a, candidate))) continue;
    accepted.push(candidate);
  }
  return sortEntities(accepted);
}

const TRIMMABLE = /[ \t\n\r\v\f]/;

/**
 * Strips leading and trailing whitespace the way Telegram does before storing a message,
 * shifting and clipping the entities so they still cover the same characters.
 */
export function trimFormattedText(
  text: string,
  entities: readonly TgMessageEntity[],
): { text: string; entities: TgMessageEntity[] } {
  let start = 0;
  let end = text.length;
  while (start < end && TRIMMABLE.test(text[start] ?? '')) start++;
  while (end > start && TRIMMABLE.test(text[end - 1] ?? '')) end--;
  const result: TgMessageEntity[] = [];
  for (const entity of entities) {
    const from = Math.max(entity.offset, start);
    const to = Math.min(entity.offset + entity.length, end);
    if (to <= from) continue;
    result.push({ ...entity, offset: from - start, length: to - from });
  }
  return { text: text.slice(start, end), entities: sortEntities(result) };
}

/** Returns the command name (without slash or @bot) and target bot username of a bot_command entity. */
export function splitCommand(text: string, entity: TgMessageEntity): { command: string; target?: string } {
  const raw = text.slice(entity.offset + 1, entity.offset + entity.length);
  const at = raw.indexOf('@');
  return at === -1 ? { command: raw } : { command: raw.slice(0, at), target: raw.slice(at + 1) };
}
