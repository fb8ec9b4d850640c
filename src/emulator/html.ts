/**
 * Telegram's HTML parse mode, reimplemented byte for byte after TDLib's `parse_html`
 * (td/telegram/MessageEntity.cpp), so that the emulator accepts and rejects exactly what
 * api.telegram.org does and reports the same error texts with the same byte offsets.
 */

/** A message entity as the Bot API returns it in `Message.entities`. */
export interface TgMessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  user?: { id: number; is_bot: boolean; first_name: string };
  language?: string;
  custom_emoji_id?: string;
  unix_time?: number;
  date_time_format?: string;
}

/** The outcome of parsing a text with `parse_mode: 'HTML'`. */
export type HtmlParseResult =
  | { ok: true; text: string; entities: TgMessageEntity[]; bareAmpersands: number[] }
  | { ok: false; error: string };

const SUPPORTED_TAGS = new Set([
  'a',
  'b',
  'strong',
  'i',
  'em',
  's',
  'strike',
  'del',
  'u',
  'ins',
  'tg-spoiler',
  'tg-emoji',
  'tg-time',
  'span',
  'pre',
  'code',
  'blockquote',
]);

// TDLib's sort priority (MessageEntity::get_type_priority); lower sorts first at equal offset and length.
const TYPE_PRIORITY: Record<string, number> = {
  mention: 50,
  hashtag: 50,
  bot_command: 50,
  url: 50,
  email: 50,
  bold: 90,
  italic: 91,
  code: 20,
  pre: 11,
  text_link: 49,
  text_mention: 49,
  cashtag: 50,
  phone_number: 50,
  underline: 92,
  strikethrough: 93,
  blockquote: 0,
  bank_card_number: 50,
  spoiler: 94,
  custom_emoji: 99,
  expandable_blockquote: 0,
  date_time: 95,
};

/** Sorts entities the way TDLib does: by offset, then longer first, then by type priority. */
export function sortEntities(entities: TgMessageEntity[]): TgMessageEntity[] {
  return entities.sort(
    (a, b) =>
      a.offset - b.offset ||
      b.length - a.length ||
      (TYPE_PRIORITY[a.type] ?? 50) - (TYPE_PRIORITY[b.type] ?? 50),
  );
}

// td::is_space: NUL counts as a space, which is what stops every scanning loop at the end of input.
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a || c === 0x00 || c === 0x0b;
}
function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Normalises an `<a href>` target the way Telegram does: valid http(s)/ftp links come back in
 * canonical form (an empty path gains a trailing slash), a bare domain gains `http://`, and
 * anything that is not a usable link silently loses its entity instead of failing the message.
 */
export function checkLink(raw: string): string | undefined {
  const url = raw.trim();
  if (url === '') return undefined;
  if (/^(tg|ton|tonsite):\/\/[a-z0-9_-]/i.test(url)) return url;
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `http://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (!['http:', 'https:', 'ftp:'].includes(parsed.protocol)) return undefined;
  if (!parsed.hostname.includes('.') && parsed.hostname !== 'localhost') return undefined;
  return parsed.href;
}

/**
 * Parses Telegram's HTML subset into plain text and entities, or returns TDLib's error text
 * (without the `Bad Request: can't parse entities: ` prefix the Bot API adds).
 */
export function parseTelegramHtml(html: string): HtmlParseResult {
  const bytes = Buffer.from(html, 'utf8');
  const size = bytes.length;
  const at = (i: number): number => (i < size ? (bytes[i] ?? 0) : 0);

  const out: string[] = [];
  let outUtf16 = 0;
  let runStart = -1;
  const flushRun = (end: number): void => {
    if (runStart >= 0 && end > runStart) {
      out.push(bytes.toString('utf8', runStart, end));
    }
    runStart = -1;
  };
  let needRecheck = false;
  const bareAmpersands: number[] = [];

  // Returns the decoded code point and moves past the entity, or 0 when `&` starts no entity.
  const decodeEntity = (pos: number): { code: number; end: number } => {
    let end = pos + 1;
    let code = 0;
    if (at(pos + 1) === 0x23 /* # */) {
      end++;
      if (at(pos + 2) === 0x78 /* x */) {
        end++;
        while (isHexDigit(at(end))) {
          code = code * 16 + Number.parseInt(String.fromCharCode(at(end)), 16);
          end++;
          if (code > 0x7fffffff) code = 0x7fffffff;
        }
      } else {
        while (isDigit(at(end))) {
          code = code * 10 + (at(end) - 0x30);
          end++;
          if (code > 0x7fffffff) code = 0x7fffffff;
        }
      }
      if (code === 0 || code >= 0x10ffff || end - pos >= 10) return { code: 0, end: pos };
    } else {
      while (isAlpha(at(end))) end++;
      const name = bytes.toString('latin1', pos + 1, end);
      if (name === 'lt') code = 0x3c;
      else if (name === 'gt') code = 0x3e;
      else if (name === 'amp') code = 0x26;
      else if (name === 'quot') code = 0x22;
      else return { code: 0, end: pos };
    }
    return { code, end: at(end) === 0x3b /* ; */ ? end + 1 : end };
  };

  const appendCode = (code: number): void => {
    if (code >= 0xd800 && code <= 0xdfff) {
      needRecheck = true;
      out.push(String.fromCharCode(code));
    } else {
      out.push(String.fromCodePoint(code));
    }
    outUtf16 += code > 0xffff ? 2 : 1;
  };

  interface Open {
    tag: string;
    argument: string;
    date: number;
    offset: number;
    outIndex: number;
  }
  const stack: Open[] = [];
  const entities: TgMessageEntity[] = [];

  let i = 0;
  while (i < size) {
    const c = at(i);
    if (c === 0x26 /* & */) {
      const { code, end } = decodeEntity(i);
      if (code !== 0) {
        flushRun(i);
        appendCode(code);
        i = end;
        continue;
      }
      bareAmpersands.push(i);
    }
    if (c !== 0x3c /* < */) {
      if (runStart < 0) runStart = i;
      if ((c & 0xc0) !== 0x80) outUtf16 += c >= 0xf0 ? 2 : 1;
      i++;
      continue;
    }

    flushRun(i);
    const beginPos = i;
    i++;
    if (at(i) !== 0x2f /* / */) {
      while (!isSpace(at(i)) && at(i) !== 0x3e /* > */) i++;
      if (at(i) === 0) {
        return { ok: false, error: `Unclosed start tag at byte offset ${beginPos}` };
      }
      const tag = bytes.toString('utf8', beginPos + 1, i).toLowerCase();
      if (!SUPPORTED_TAGS.has(tag)) {
        return { ok: false, error: `Unsupported start tag "${tag}" at byte offset ${beginPos}` };
      }

      let argument = '';
      let date = 0;
      while (at(i) !== 0x3e) {
        while (at(i) !== 0 && isSpace(at(i))) i++;
        if (at(i) === 0x3e) break;
        const nameBegin = i;
        while (
          !isSpace(at(i)) &&
          at(i) !== 0x3d /* = */ &&
          at(i) !== 0x3e &&
          at(i) !== 0x2f &&
          at(i) !== 0x22 &&
          at(i) !== 0x27
        ) {
          i++;
        }
        const attributeName = bytes.toString('utf8', nameBegin, i);
        if (attributeName === '') {
          return {
            ok: false,
            error: `Empty attribute name in the tag "${tag}" at byte offset ${beginPos}`,
          };
        }
        while (at(i) !== 0 && isSpace(at(i))) i++;
        if (at(i) !== 0x3d) {
          if (at(i) === 0) {
            return { ok: false, error: `Unclosed start tag "${tag}" at byte offset ${beginPos}` };
          }
          if (tag === 'blockquote' && attributeName === 'expandable') argument = '1';
          continue;
        }
        i++;
        while (at(i) !== 0 && isSpace(at(i))) i++;
        if (at(i) === 0) {
          return { ok: false, error: `Unclosed start tag "${tag}" at byte offset ${beginPos}` };
        }

        let value: string;
        if (at(i) !== 0x27 && at(i) !== 0x22) {
          // A name token: letters, digits, periods or hyphens, case-insensitive.
          const tokenBegin = i;
          while (isAlpha(at(i)) || isDigit(at(i)) || at(i) === 0x2e || at(i) === 0x2d) i++;
          value = bytes.toString('latin1', tokenBegin, i).toLowerCase();
          if (!isSpace(at(i)) && at(i) !== 0x3e) {
            return { ok: false, error: `Unexpected end of name token at byte offset ${tokenBegin}` };
          }
        } else {
          const quote = at(i);
          i++;
          const parts: string[] = [];
          let partStart = i;
          while (at(i) !== quote && at(i) !== 0) {
            if (at(i) === 0x26) {
              const { code, end } = decodeEntity(i);
              if (code !== 0) {
                parts.push(bytes.toString('utf8', partStart, i), String.fromCodePoint(code));
                i = end;
                partStart = i;
                continue;
              }
            }
            i++;
          }
          parts.push(bytes.toString('utf8', partStart, i));
          if (at(i) === quote) i++;
          value = parts.join('');
        }
        if (at(i) === 0) {
          return { ok: false, error: `Unclosed start tag at byte offset ${beginPos}` };
        }

        if (tag === 'a' && attributeName === 'href') {
          argument = value;
        } else if (tag === 'code' && attributeName === 'class' && value.startsWith('language-')) {
          argument = value.slice(9);
        } else if (tag === 'span' && attributeName === 'class' && value.startsWith('tg-')) {
          argument = value.slice(3);
        } else if (tag === 'tg-emoji' && attributeName === 'emoji-id') {
          argument = value;
        } else if (tag === 'blockquote' && attributeName === 'expandable') {
          argument = '1';
        } else if (tag === 'tg-time' && attributeName === 'unix') {
          date = Number.parseInt(value, 10) || 0;
        } else if (tag === 'tg-time' && attributeName === 'format') {
          argument = value;
        }
      }

      if (tag === 'span' && argument !== 'spoiler') {
        return {
          ok: false,
          error: `Tag "span" must have class "tg-spoiler" at byte offset ${beginPos}`,
        };
      }
      stack.push({ tag, argument, date, offset: outUtf16, outIndex: out.length });
      i++; // past '>'
      continue;
    }

    // An end tag.
    const open = stack[stack.length - 1];
    if (open === undefined) {
      return { ok: false, error: `Unexpected end tag at byte offset ${beginPos}` };
    }
    while (!isSpace(at(i)) && at(i) !== 0x3e) i++;
    const endTag = bytes.toString('utf8', beginPos + 2, i).toLowerCase();
    while (at(i) !== 0 && isSpace(at(i))) i++;
    if (at(i) !== 0x3e) {
      return { ok: false, error: `Unclosed end tag at byte offset ${beginPos}` };
    }
    if (endTag !== '' && endTag !== open.tag) {
      return {
        ok: false,
        error: `Unmatched end tag at byte offset ${beginPos}, expected "</${open.tag}>", found "</${endTag}>"`,
      };
    }
    i++; // past '>'

    if (outUtf16 > open.offset) {
      const offset = open.offset;
      const length = outUtf16 - offset;
      const last = entities[entities.length - 1];
      const tag = open.tag;
      if (tag === 'i' || tag === 'em') {
        entities.push({ type: 'italic', offset, length });
      } else if (tag === 'b' || tag === 'strong') {
        entities.push({ type: 'bold', offset, length });
      } else if (tag === 's' || tag === 'strike' || tag === 'del') {
        entities.push({ type: 'strikethrough', offset, length });
      } else if (tag === 'u' || tag === 'ins') {
        entities.push({ type: 'underline', offset, length });
      } else if (tag === 'tg-spoiler' || tag === 'span') {
        entities.push({ type: 'spoiler', offset, length });
      } else if (tag === 'tg-emoji') {
        if (!/^\d{1,19}$/.test(open.argument) || BigInt(open.argument) === 0n) {
          return { ok: false, error: 'Invalid custom emoji identifier specified' };
        }
        entities.push({ type: 'custom_emoji', offset, length, custom_emoji_id: open.argument });
      } else if (tag === 'tg-time') {
        if (open.date > 0) {
          const entity: TgMessageEntity = { type: 'date_time', offset, length, unix_time: open.date };
          if (open.argument !== '') entity.date_time_format = open.argument;
          entities.push(entity);
        }
      } else if (tag === 'a') {
        const url = open.argument !== '' ? open.argument : out.slice(open.outIndex).join('');
        const userId = /^tg:\/\/user\?id=(\d+)$/i.exec(url.trim())?.[1];
        if (userId !== undefined) {
          entities.push({
            type: 'text_mention',
            offset,
            length,
            user: { id: Number(userId), is_bot: false, first_name: '' },
          });
        } else {
          const checked = checkLink(url);
          if (checked !== undefined) entities.push({ type: 'text_link', offset, length, url: checked });
        }
      } else if (tag === 'pre') {
        if (
          last !== undefined &&
          last.type === 'code' &&
          last.offset === offset &&
          last.length === length &&
          last.language !== undefined
        ) {
          last.type = 'pre';
        } else {
          entities.push({ type: 'pre', offset, length });
        }
      } else if (tag === 'code') {
        if (
          last !== undefined &&
          last.type === 'pre' &&
          last.offset === offset &&
          last.length === length &&
          open.argument !== ''
        ) {
          last.language = open.argument;
        } else {
          const entity: TgMessageEntity = { type: 'code', offset, length };
          if (open.argument !== '') entity.language = open.argument;
          entities.push(entity);
        }
      } else if (tag === 'blockquote') {
        entities.push({
          type: open.argument !== '' ? 'expandable_blockquote' : 'blockquote',
          offset,
          length,
        });
      }
    }
    stack.pop();
  }
  flushRun(size);

  const unclosed = stack[stack.length - 1];
  if (unclosed !== undefined) {
    return { ok: false, error: `Can't find end tag corresponding to start tag "${unclosed.tag}"` };
  }
  for (const entity of entities) {
    // A language only survives on pre; a lone <code class="language-x"> is plain code.
    if (entity.type === 'code') delete entity.language;
  }
  const text = out.join('');
  if (needRecheck && LONE_SURROGATE.test(text)) {
    return {
      ok: false,
      error:
        'Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units',
    };
  }
  return { ok: true, text, entities: sortEntities(entities), bareAmpersands };
}

/** Escapes text for Telegram's HTML parse mode (the three characters Telegram requires). */
export function escapeTelegramHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
