/**
 * Text normalization for the question engine: pure functions, no I/O.
 *
 * - {@link normalizeText} brings questions AND knowledge text into one comparable form.
 * - {@link parseChineseNumber} / {@link arabizeNumerals} read Chinese numerals and turn figure-like ones
 *   into Arabic digits.
 * - {@link stripAddressing} / {@link stripPoliteness} set aside what surrounds the actual question.
 * - {@link createPinyinMatcher} finds pinyin place names typed in Latin letters.
 * - {@link createPlaceNameCorrector} repairs near-miss (mostly same-sound) place names.
 *
 * Everything that can be precomputed is computed once, at module load or at creation time.
 */

import type { DictGroup, DictLike } from 'opencc-js/t2cn';
import * as OpenCC from 'opencc-js/t2cn';
import { pinyin } from 'pinyin-pro';

// ---------------------------------------------------------------------------------------------------------
// normalizeText
// ---------------------------------------------------------------------------------------------------------

/**
 * The traditional → simplified dictionaries, taken from OpenCC's presets and combined into one converter:
 * OpenCC's hk2s and tw2s configurations differ only in their variant stage, so both variant stages run, then
 * the common standard-traditional → simplified stage, all on segments found with OpenCC's phrase table:
 * 1. Hong Kong variants → OpenCC standard traditional (衞 → 衛, 綫 → 線, 説 → 說);
 * 2. Taiwan variants → standard traditional (著 → 着 as in 摸得著/著力, 裡 → 裏), except 么 → 幺, which
 *    would corrupt simplified 么 (the override keeps it);
 * 3. standard traditional → simplified with phrase awareness (乾燥 → 干燥 while 乾隆 stays).
 * Simplified text passes through unchanged (checked on the article); one consequence of stage 2 is that
 * simplified 著 outside a listed phrase (土著) also becomes 着 — harmless, since both sides are normalized.
 */
const CONVERSION_STAGES: readonly (readonly DictLike[])[] = [
  ...(OpenCC.Locale.from.hk ?? []).map((group: DictGroup): DictLike[] => [...group]),
  ...(OpenCC.Locale.from.tw ?? []).map((group: DictGroup): DictLike[] => [[['么', '么']], ...group]),
  ...(OpenCC.Locale.to.cn ?? []).map((group: DictGroup): DictLike[] => [...group]),
];

/** Segments text on OpenCC's phrase table first, as OpenCC's own hk2s/tw2s converters do. */
function createConverter(): (text: string) => string {
  const segmentation = OpenCC.Locale.configs.tw2s?.segmentation ?? OpenCC.Locale.configs.hk2s?.segmentation;
  const segmenter = new OpenCC.Trie();
  if (Array.isArray(segmentation) && segmentation.every((d: unknown) => typeof d === 'string')) {
    segmenter.loadDictGroup(segmentation as readonly string[]);
  } else if (segmentation !== undefined) {
    segmenter.loadDict(segmentation);
  }
  const stages = CONVERSION_STAGES.map((group) => {
    const trie = new OpenCC.Trie();
    trie.loadDictGroup(group);
    return trie;
  });
  return (text: string): string => {
    let segments = segmenter.segment(text);
    for (const stage of stages) segments = segments.map((segment: string) => stage.convert(segment));
    return segments.join('');
  };
}

/** Traditional → simplified converter, created once at module load (about 15 ms). */
const toSimplified = createConverter();

/** Characters that occur in any key of the converter's dictionaries (no match can cross any other). */
const keyCharBmp = new Uint8Array(0x10000);
const keyCharAstral = new Set<number>();
/** Characters whose presence can make the converter change the text ("traditional" characters). */
const triggerBmp = new Uint8Array(0x10000);
const triggerAstral = new Set<number>();

function dictEntries(dict: DictLike): Array<readonly [string, string]> {
  if (typeof dict !== 'string')
    return dict.map((pair: readonly [string, string]) => [pair[0], pair[1]] as const);
  if (dict === '') return [];
  const out: Array<readonly [string, string]> = [];
  for (const line of dict.split('|')) {
    const space = line.indexOf(' ');
    if (space > 0) out.push([line.slice(0, space), line.slice(space + 1)]);
  }
  return out;
}

/** The smallest trigger code point: text below it is skipped without a table look-up. */
let minTrigger = 0x10ffff;

function markChar(cp: number, bmp: Uint8Array, astral: Set<number>): void {
  if (bmp === triggerBmp) minTrigger = Math.min(minTrigger, cp);
  if (cp < 0x10000) bmp[cp] = 1;
  else astral.add(cp);
}

/**
 * Builds the two character tables once (about 4,000 dictionary keys, ~20 ms at module load):
 * a character is a trigger when converting it alone changes it, and for phrases whose conversion
 * changes them although none of their characters is a trigger, the first changed character is added.
 * Text without any trigger character is taken to be simplified already and is not passed to OpenCC at all
 * (tests check that the article in Hong Kong and Taiwan forms comes out identical to the simplified one).
 */
function buildConverterTables(): void {
  const keys = new Set<string>();
  const segmentation = OpenCC.Locale.configs.tw2s?.segmentation;
  const groups: (readonly DictLike[])[] = [...CONVERSION_STAGES];
  if (typeof segmentation === 'string') groups.push([segmentation]);
  for (const group of groups) {
    for (const dict of group) {
      for (const [key] of dictEntries(dict)) keys.add(key);
    }
  }
  const list = [...keys];
  for (const key of list) {
    for (const ch of key) markChar(ch.codePointAt(0) ?? 0, keyCharBmp, keyCharAstral);
  }
  // One batch conversion; '\n' is in no key, so every key is converted on its own.
  let converted = toSimplified(list.join('\n')).split('\n');
  if (converted.length !== list.length) converted = list.map((key) => toSimplified(key));
  const phrases: Array<[string, string]> = [];
  for (let i = 0; i < list.length; i++) {
    const key = list[i] ?? '';
    const value = converted[i] ?? key;
    if (value === key) continue;
    const chars = [...key];
    if (chars.length === 1) markChar(key.codePointAt(0) ?? 0, triggerBmp, triggerAstral);
    else phrases.push([key, value]);
  }
  for (const [key, value] of phrases) {
    const chars = [...key];
    if (chars.some((ch) => isTrigger(ch.codePointAt(0) ?? 0))) continue;
    const valueChars = [...value];
    if (valueChars.length === chars.length) {
      const at = chars.findIndex((ch, i) => ch !== valueChars[i]);
      markChar(chars[at]?.codePointAt(0) ?? 0, triggerBmp, triggerAstral);
    } else {
      for (const ch of chars) markChar(ch.codePointAt(0) ?? 0, triggerBmp, triggerAstral);
    }
  }
}

function isTrigger(cp: number): boolean {
  return cp < 0x10000 ? triggerBmp[cp] === 1 : triggerAstral.has(cp);
}

function isKeyChar(cp: number): boolean {
  return cp < 0x10000 ? keyCharBmp[cp] === 1 : keyCharAstral.has(cp);
}

buildConverterTables();

/**
 * Converts until the text stops changing (at most three rounds): a few dictionary chains take two steps,
 * e.g. 薴 → 苧 → 苎, and normalizeText must be idempotent.
 */
function convertToFixpoint(s: string): string {
  let current = s;
  for (let round = 0; round < 3; round++) {
    const next = toSimplified(current);
    if (next === current || !hasTrigger(next)) return next;
    current = next;
  }
  return current;
}

function hasTrigger(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const cp = s.codePointAt(i) ?? 0;
    if (cp > 0xffff) i++;
    if (cp >= minTrigger && isTrigger(cp)) return true;
  }
  return false;
}

/**
 * Converts traditional characters to simplified, touching only the runs that need it: a run is a maximal
 * stretch of characters that occur in the converter's dictionary keys around a trigger character. Because no
 * dictionary match can cross a character outside every key, converting the runs alone gives exactly the
 * result of converting the whole string.
 */
function simplify(s: string): string {
  let out = '';
  let last = 0;
  const n = s.length;
  for (let i = 0; i < n; ) {
    const cp = s.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    if (cp < minTrigger || !isTrigger(cp)) {
      i += width;
      continue;
    }
    let start = i;
    while (start > last) {
      const unit = s.charCodeAt(start - 1);
      const pair = unit >= 0xdc00 && unit <= 0xdfff && start - 2 >= last;
      const prev = pair ? (s.codePointAt(start - 2) ?? 0) : unit;
      if (!isKeyChar(prev)) break;
      start -= prev > 0xffff ? 2 : 1;
    }
    let end = i + width;
    while (end < n) {
      const next = s.codePointAt(end) ?? 0;
      if (!isKeyChar(next)) break;
      end += next > 0xffff ? 2 : 1;
    }
    out += s.slice(last, start) + convertToFixpoint(s.slice(start, end));
    last = end;
    i = end;
  }
  return last === 0 ? s : out + s.slice(last);
}

/**
 * Punctuation left after NFKC, mapped to one canonical form per meaning. NFKC already maps the full-width
 * ASCII forms (，！？：；（）％～＋－．［］＂＇) to ASCII; this table brings the remaining CJK and typographic
 * forms to the same set. Deliberately NOT mapped: 。 (a '.' after a figure would read as a decimal point),
 * 《》 (book titles), · (name separator; its look-alikes map to it).
 */
const PUNCTUATION: Readonly<Record<string, string>> = {
  '、': ',',
  '“': '"',
  '”': '"',
  '„': '"',
  '‟': '"',
  '「': '"',
  '」': '"',
  '『': '"',
  '』': '"',
  '〝': '"',
  '〞': '"',
  '〟': '"',
  '‘': "'",
  '’': "'",
  '‚': "'",
  '‛': "'",
  '【': '[',
  '】': ']',
  '〔': '[',
  '〕': ']',
  '〖': '[',
  '〗': ']',
  '〘': '[',
  '〙': ']',
  '〈': '《',
  '〉': '》',
  '‐': '-',
  '‑': '-',
  '‒': '-',
  '–': '-',
  '—': '-',
  '―': '-',
  '−': '-',
  '﹘': '-',
  '〜': '~',
  '〰': '~',
  '・': '·',
  '‧': '·',
  '•': '·',
  '∙': '·',
  '⋅': '·',
};

/** Invisible characters that are dropped: controls, zero-width characters, bidi controls, selectors. */
function isInvisible(c: number): boolean {
  if (c < 0x20) return c < 9 || c > 13;
  if (c < 0x7f) return false;
  if (c <= 0x9f) return c !== 0x85;
  return (
    c === 0xad ||
    c === 0x061c ||
    c === 0x180e ||
    (c >= 0x200b && c <= 0x200f) ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2060 && c <= 0x2064) ||
    (c >= 0x2066 && c <= 0x2069) ||
    (c >= 0xfe00 && c <= 0xfe0f) ||
    c === 0xfeff
  );
}

function isSpace(c: number): boolean {
  return (
    c === 0x20 ||
    (c >= 9 && c <= 13) ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

const KIND_KEEP = 0;
const KIND_SPACE = 1;
const KIND_DROP = 2;
const KIND_REPLACE = 3;
/** What the single pass of normalizeText does with each UTF-16 code unit (surrogates are kept). */
const CHAR_KIND = new Uint8Array(0x10000);
const REPLACEMENT = new Map<number, string>();
/** The only code units that can need more than a copy; everything else (CJK, surrogates …) is kept. */
const CLASSIFIED_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x0000, 0x3020], // ASCII … CJK symbols and punctuation
  [0x30fb, 0x30fc], // katakana middle dot ・
  [0xfe00, 0xff00], // variation selectors, vertical and small forms, BOM
];
for (const [from, to] of CLASSIFIED_RANGES) {
  for (let c = from; c < to; c++) {
    if (isSpace(c)) CHAR_KIND[c] = KIND_SPACE;
    else if (isInvisible(c)) CHAR_KIND[c] = KIND_DROP;
    else if ((c >= 0x41 && c <= 0x5a) || c >= 0xc0) {
      const ch = String.fromCharCode(c);
      const replacement = PUNCTUATION[ch] ?? (c < 0x2e80 ? ch.toLowerCase() : ch);
      if (replacement !== ch) {
        CHAR_KIND[c] = KIND_REPLACE;
        REPLACEMENT.set(c, replacement);
      }
    }
  }
}

/**
 * Normalizes text so that a question and the knowledge meet in one form; apply it to both sides.
 *
 * In order:
 * 1. Unicode NFKC: full-width letters, digits and ASCII punctuation become half-width (１６．８亿 → 16.8亿,
 *    ３６％ → 36%, ～ → ~), CJK compatibility ideographs become unified ones, ① → 1, … → "...".
 * 2. One pass that drops invisible characters (C0/C1 controls other than whitespace, U+00AD, U+200B–U+200F,
 *    U+202A–U+202E, U+2060–U+2064, U+2066–U+2069, U+061C, U+180E, U+FE00–U+FE0F, U+FEFF), collapses
 *    every whitespace run (including newlines and U+3000) to one ASCII space, trims, lower-cases Latin
 *    (and other cased scripts), and maps CJK punctuation to the canonical set (see `PUNCTUATION`):
 *    、→, “”「」『』→" ‘’→' 【】〔〕→[] 〈〉→《》 dashes→- 〜→~ ・→·. Kept as is: 。《》·, and everything
 *    NFKC leaves (%, ~, +, digits).
 * 3. Traditional → simplified with OpenCC's dictionaries (Hong Kong and Taiwan variant stages, then standard
 *    traditional → simplified; see `CONVERSION_STAGES`), only on the stretches that contain a traditional
 *    character, so simplified text costs one table look-up per character.
 *
 * Spaces between CJK characters are kept (collapsed, not removed). Lengths change only where NFKC expands a
 * character (… → ...), where invisibles are dropped and where whitespace collapses. The function is
 * idempotent: normalizeText(normalizeText(s)) === normalizeText(s).
 */
export function normalizeText(s: string): string {
  if (s === '') return s;
  const t = s.normalize('NFKC');
  let out = '';
  let last = 0; // t[last..i) is copied unchanged
  let started = false; // something visible has been written
  let pendingSpace = false; // a whitespace run is waiting for the next visible character
  const n = t.length;
  for (let i = 0; i < n; i++) {
    const kind = CHAR_KIND[t.charCodeAt(i)];
    if (kind === KIND_KEEP) {
      if (pendingSpace) {
        out += `${t.slice(last, i)} `;
        last = i;
        pendingSpace = false;
      }
      started = true;
      continue;
    }
    out += t.slice(last, i);
    last = i + 1;
    if (kind === KIND_SPACE) {
      if (started) pendingSpace = true;
    } else if (kind === KIND_REPLACE) {
      out += `${pendingSpace ? ' ' : ''}${REPLACEMENT.get(t.charCodeAt(i)) ?? ''}`;
      pendingSpace = false;
      started = true;
    }
  }
  // A trailing whitespace run is never written; last === 0 means nothing changed.
  return simplify(last === 0 ? t : out + t.slice(last));
}

// ---------------------------------------------------------------------------------------------------------
// Chinese numerals
// ---------------------------------------------------------------------------------------------------------

const DIGIT: Readonly<Record<string, number>> = {
  〇: 0,
  零: 0,
  一: 1,
  壹: 1,
  二: 2,
  贰: 2,
  貳: 2,
  两: 2,
  兩: 2,
  三: 3,
  叁: 3,
  參: 3,
  四: 4,
  肆: 4,
  五: 5,
  伍: 5,
  六: 6,
  陆: 6,
  陸: 6,
  七: 7,
  柒: 7,
  八: 8,
  捌: 8,
  九: 9,
  玖: 9,
};
const SMALL_UNIT: Readonly<Record<string, number>> = { 十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000 };
const BIG_UNIT: Readonly<Record<string, number>> = { 万: 1e4, 萬: 1e4, 亿: 1e8, 億: 1e8 };

const DIGIT_CLASS = '〇零一壹二贰貳两兩三叁參四肆五伍六陆陸七柒八捌九玖';
const NUMERAL_CLASS = `${DIGIT_CLASS}十拾百佰千仟万萬亿億`;

/**
 * Parses the integer part of a Chinese numeral: digit by digit ("二〇一六" → 2016) when it has no
 * magnitude character, otherwise with magnitudes ("一万六千三百六十三" → 16363, "两千八" → 2800,
 * "十二" → 12, "一亿二千万" → 120000000). Returns undefined for anything that is not one well-formed
 * number: two digits in a row with magnitudes ("十二五", "三四千"), a bare 百/千/万/亿 without a digit
 * ("千万", "万一", unless `bareHundred` allows "百" = 100), or units out of order ("十百").
 */
function parseIntegerRun(run: string, bareHundred = false): number | undefined {
  if (run === '') return undefined;
  let hasUnit = false;
  for (const ch of run) {
    if (SMALL_UNIT[ch] !== undefined || BIG_UNIT[ch] !== undefined) {
      hasUnit = true;
      break;
    }
  }
  if (!hasUnit) {
    let value = 0;
    let count = 0;
    for (const ch of run) {
      const d = DIGIT[ch];
      if (d === undefined) return undefined;
      if ((ch === '两' || ch === '兩') && run.length > 1) return undefined;
      value = value * 10 + d;
      count++;
    }
    return count > 0 ? value : undefined;
  }
  if (bareHundred && (run === '百' || run === '佰')) return 100;

  let total = 0; // completed 亿 sections
  let wan = 0; // completed 万 part inside the current 亿 section
  let section = 0; // below 万
  let digit: number | undefined;
  let lastSmall = Number.POSITIVE_INFINITY;
  let wanUsed = false;
  let yiUsed = false;
  let zeroGap = false;
  let prevUnit = 0; // the unit right before a trailing digit, for "两千八" = 2800
  let seenAny = false;
  for (const ch of run) {
    const d = DIGIT[ch];
    if (d === 0) {
      if (digit !== undefined || !seenAny) return undefined;
      zeroGap = true;
      prevUnit = 0;
      continue;
    }
    if (d !== undefined) {
      if (digit !== undefined) return undefined;
      digit = d;
      seenAny = true;
      continue;
    }
    const small = SMALL_UNIT[ch];
    if (small !== undefined) {
      if (small >= lastSmall) return undefined;
      let multiplier = digit;
      if (multiplier === undefined) {
        // A bare 十 opens a number or a section: 十二 = 12, 一万十二 is not written, but 十万 = 100000.
        if (small === 10 && section === 0 && !zeroGap) multiplier = 1;
        else return undefined;
      }
      section += multiplier * small;
      lastSmall = small;
      digit = undefined;
      zeroGap = false;
      prevUnit = small;
      seenAny = true;
      continue;
    }
    const big = BIG_UNIT[ch];
    if (big === undefined) return undefined;
    const part = section + (digit ?? 0);
    if (big === 1e4) {
      if (wanUsed || part === 0) return undefined;
      wan = part * 1e4;
      wanUsed = true;
    } else {
      if (yiUsed) return undefined;
      const yiPart = wan + part;
      if (yiPart === 0) return undefined;
      total = yiPart * 1e8;
      yiUsed = true;
      wan = 0;
      wanUsed = false;
    }
    section = 0;
    digit = undefined;
    lastSmall = Number.POSITIVE_INFINITY;
    zeroGap = false;
    prevUnit = big;
    seenAny = true;
  }
  let tail = digit ?? 0;
  // "两千八" = 2800, "一万五" = 15000: a digit right after a unit (without 零) counts in the next lower place.
  if (digit !== undefined && !zeroGap && prevUnit >= 100) tail = digit * (prevUnit / 10);
  return total + wan + section + tail;
}

/** Reads fraction digits after 点 digit by digit: "零五" → "05". */
function fractionDigits(run: string): string | undefined {
  let out = '';
  for (const ch of run) {
    const d = DIGIT[ch];
    if (d === undefined || ch === '两' || ch === '兩') return undefined;
    out += String(d);
  }
  return out === '' ? undefined : out;
}

const ARABIC_FIGURE = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?([十百千万萬亿億]*)$/;
const CHINESE_FIGURE = new RegExp(`^([${NUMERAL_CLASS}]+)(?:点([${DIGIT_CLASS}]+)([万萬亿億]?))?$`);

/**
 * Parses one number written with Chinese numerals, Arabic digits, or both, and returns its value.
 *
 * Accepted: "一百六十一" → 161, "二〇一六" → 2016, "十六点八" → 16.8, "十六点八亿" → 1680000000,
 * "零点五" → 0.5, "两千八" → 2800, "3.4万" → 34000, "1.1亿" → 110000000, "7,300" → 7300, a leading
 * 负 or "-" for negatives; full-width digits are accepted. Everything else gives undefined: words
 * ("十二五", "千万", "万一"), percent phrases (百分之… is handled by {@link arabizeNumerals}), empty text.
 */
export function parseChineseNumber(s: string): number | undefined {
  let text = s.normalize('NFKC').trim();
  let sign = 1;
  if (text.startsWith('负') || text.startsWith('負') || text.startsWith('-')) {
    sign = -1;
    text = text.slice(1).trim();
  }
  if (text === '') return undefined;
  const arabic = ARABIC_FIGURE.exec(text);
  if (arabic) {
    let factor = 1;
    for (const ch of arabic[3] ?? '') factor *= SMALL_UNIT[ch] ?? BIG_UNIT[ch] ?? 1;
    const digits = (arabic[1] ?? '').replaceAll(',', '');
    const exponent = Math.round(Math.log10(factor));
    // Parse "16.8e8" rather than multiply 16.8 * 1e8, so the value is the exact decimal figure.
    const value = Number(`${digits}${arabic[2] ? `.${arabic[2]}` : ''}e${exponent}`);
    return sign * value;
  }
  const chinese = CHINESE_FIGURE.exec(text);
  if (!chinese) return undefined;
  const integer = parseIntegerRun(chinese[1] ?? '');
  if (integer === undefined) return undefined;
  if (chinese[2] === undefined) return sign * integer;
  if (/[万萬亿億]/.test(chinese[1] ?? '')) return undefined;
  const fraction = fractionDigits(chinese[2]);
  if (fraction === undefined) return undefined;
  const big = BIG_UNIT[chinese[3] ?? ''] ?? 1;
  return sign * Number(`${integer}.${fraction}e${Math.round(Math.log10(big))}`);
}

/**
 * Fixed expressions whose numerals are not figures; a candidate overlapping one is left alone.
 * (十二五/十三五 and most others are also rejected by the parser; listing them documents the intent.)
 */
const NUMERAL_TERMS = [
  '十一五',
  '十二五',
  '十三五',
  '十四五',
  '十五五',
  '一点一滴',
  '一点一点',
  '两点一线',
  '三点一线',
  '一五一十',
  '十万火急',
  '千千万万',
  '万万',
  '九九八十一',
  '三三两两',
  '七七八八',
  '百分百',
];
const NUMERAL_TERMS_RE = new RegExp(NUMERAL_TERMS.join('|'), 'g');

const NUMERAL_RUN = new RegExp(`(百分之)?([${NUMERAL_CLASS}]+)(?:点([${DIGIT_CLASS}]+)([万萬亿億]?))?`, 'g');

/** Writes an integer that ends in 万/亿 as a figure with that unit: 73000000 → "7300万", 1.2e8 → "1.2亿". */
function withBigUnit(value: number, unit: number, unitChar: string): string {
  return `${value / unit}${unitChar}`;
}

/**
 * Rewrites figure-like Chinese numerals in a string into Arabic digits and leaves numerals that are part of
 * words alone.
 *
 * Converted:
 * - after 百分之: "百分之三十一点一" → "31.1%", "百分之六点零五" → "6.05%", "百分之百" → "100%";
 * - decimals with 点: "十六点八亿" → "16.8亿", "零点五" → "0.5";
 * - numerals of two or more characters that contain a magnitude (十百千万亿) and parse as one number:
 *   "一百六十一个" → "161个", "两千八百户" → "2800户", "四千" → "4000", "十二" → "12",
 *   "一万六千三百六十三" → "16363"; a number that ends in 万 or 亿 keeps that unit, as the article prints
 *   it: "七千三百万元" → "7300万元", "一亿二千万" → "1.2亿", "十万元" → "10万元";
 * - digit-by-digit runs of three or more digits that contain 〇/零 ("二〇一六", "二零一六" → "2016"), or
 *   of exactly four digits followed by 年 ("一九九八年" → "1998年").
 *
 * Left alone:
 * - single numeral characters, always (一是, 三省, 六大基地, 六个精准, 五个一批, 三到村三到户, 一把手,
 *   第十次, 十分, 百姓, 一些, 统一 …): the article itself writes these counts and terms in Chinese;
 * - runs that do not parse as one number (十二五, 十三五, 千万, 万一, 百万, 三四千, 七八十);
 * - fixed expressions listed in `NUMERAL_TERMS` (一点一滴, 两点一线, 三三两两 …);
 * - ordinals after 第 (第十二次), approximations next to 几 (几十万, 二十几), party congresses (十八大:
 *   a run followed by 大), and runs touching Arabic digits ("3千" stays).
 * Arabic figures ("1.1亿", "36%", "3000元至8000元") are never touched.
 */
export function arabizeNumerals(s: string): string {
  if (!/[〇零一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億兩貳參陸]/.test(s)) return s;
  const protectedRanges: Array<[number, number]> = [];
  NUMERAL_TERMS_RE.lastIndex = 0;
  for (let m = NUMERAL_TERMS_RE.exec(s); m !== null; m = NUMERAL_TERMS_RE.exec(s)) {
    protectedRanges.push([m.index, m.index + m[0].length]);
  }
  const isProtected = (start: number, end: number): boolean =>
    protectedRanges.some(([a, b]) => start < b && end > a);

  NUMERAL_RUN.lastIndex = 0;
  return s.replace(
    NUMERAL_RUN,
    (
      match: string,
      percent: string | undefined,
      run: string,
      fraction: string | undefined,
      bigAfter: string | undefined,
      offset: number,
    ): string => {
      const end = offset + match.length;
      if (isProtected(offset, end)) return match;
      const before = offset > 0 ? s[offset - 1] : '';
      const after = s[end] ?? '';
      if (before !== undefined && /[0-9.]/.test(before)) return match;
      if (/[0-9]/.test(after)) return match;
      if (before === '第' || before === '几' || after === '几') return match;

      if (percent) {
        const integer = parseIntegerRun(run, true);
        if (integer === undefined || bigAfter) return match;
        if (fraction === undefined) return `${integer}%`;
        const digits = fractionDigits(fraction);
        return digits === undefined ? match : `${integer}.${digits}%`;
      }

      if (fraction !== undefined) {
        if (/[万萬亿億]/.test(run)) return match;
        const integer = parseIntegerRun(run);
        const digits = fractionDigits(fraction);
        if (integer === undefined || digits === undefined) return match;
        return `${integer}.${digits}${bigAfter ? normalizeBigUnit(bigAfter) : ''}`;
      }

      if (run.length < 2) return match;
      if (after === '大') return match;
      const hasMagnitude = /[十拾百佰千仟万萬亿億]/.test(run);
      if (!hasMagnitude) {
        const digitByDigit = (/[〇零]/.test(run) && run.length >= 3) || (run.length === 4 && after === '年');
        if (!digitByDigit || /[两兩]/.test(run)) return match;
        let out = '';
        for (const ch of run) out += String(DIGIT[ch] ?? '');
        return out;
      }
      const value = parseIntegerRun(run);
      if (value === undefined) return match;
      const lastChar = run[run.length - 1] ?? '';
      if (BIG_UNIT[lastChar] !== undefined) {
        return /[亿億]/.test(run) ? withBigUnit(value, 1e8, '亿') : withBigUnit(value, 1e4, '万');
      }
      return String(value);
    },
  );
}

function normalizeBigUnit(unit: string): string {
  return unit === '萬' ? '万' : unit === '億' ? '亿' : unit;
}

// ---------------------------------------------------------------------------------------------------------
// Addressing and politeness
// ---------------------------------------------------------------------------------------------------------

const ASK_COMMAND = /^[/／]ask(?:[@＠][A-Za-z0-9_]+)?(?![A-Za-z0-9_])[\s:：,，]*/i;
const TELEGRAM_USERNAME = '[A-Za-z][A-Za-z0-9_]{3,31}';

/**
 * Removes the parts of a Telegram message that address the bot rather than ask: a leading `/ask` or
 * `/ask@AnyBot` command word (other commands such as /start are left for the router), a leading or
 * trailing `@BotName` mention (only `@botUsername` when it is given, any `@username` otherwise; the
 * comparison ignores case), separators next to them, and surrounding whitespace.
 *
 * The result is empty when the message was only a command or a mention ("/ask" → "").
 */
export function stripAddressing(s: string, botUsername?: string): string {
  const [leadingMention, trailingMention] = mentionPatterns(botUsername?.trim().replace(/^[@＠]/, '') ?? '');
  let text = s.trim();
  for (;;) {
    const before = text;
    text = text.replace(ASK_COMMAND, '').replace(leadingMention, '').replace(trailingMention, '').trim();
    if (text === before) return text;
  }
}

const mentionCache = new Map<string, readonly [RegExp, RegExp]>();

/** The leading and trailing mention patterns for a bot name ('' = any username), built once per name. */
function mentionPatterns(name: string): readonly [RegExp, RegExp] {
  let patterns = mentionCache.get(name);
  if (patterns === undefined) {
    const mention = name ? escapeRegExp(name) : TELEGRAM_USERNAME;
    patterns = [
      new RegExp(`^[@＠](?:${mention})(?![A-Za-z0-9_])[\\s:：,，]*`, 'i'),
      // Not preceded by a word character, so the tail of an e-mail address is not a mention.
      new RegExp(`(?<![A-Za-z0-9_.])[@＠](?:${mention})[\\s.。!！]*$`, 'i'),
    ];
    if (mentionCache.size < 64) mentionCache.set(name, patterns);
  }
  return patterns;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Separators that may stand between a polite formula and the question. */
const SEP = '[\\s,，.。!！?？~～、;；:：…·\\-—"“”\']';
/** Alternatives for a regular expression, written one per line. */
const anyOf = (...alternatives: string[]): string => `(?:${alternatives.join('|')})`;

const ROLE = anyOf(
  '学生|研究生|大学生|本科生|硕士生|博士生|中学生|高中生|初中生|小学生',
  '学者|老师|教师|记者|编辑|研究员|工作人员|公务员|爱好者|网友|读者|作者',
);
const GREETING = anyOf(
  '您好|你好|你们好|大家好|哈喽|哈啰|嗨|早上好|上午好|中午好|下午好|晚上好|早安',
  '在吗|在不在|在么|hi|hello|hey|hallo',
);
const WRITING = anyOf('论文|报告|作业|文章|材料|稿子|课题|毕业设计|ppt|调研');
const WRITING_KIND = anyOf('毕业|学期|课程|期末|期中|调研|研究|寒假|暑假|社会实践|实习');
const THANKS = anyOf(
  '谢谢(?:你|您|啦|了|哈|哦|啊|喽)?',
  '多谢(?:了|啦|你|您)?',
  '感谢(?:你|您)(?:的(?:帮助|回答|解答|耐心))?',
  '辛苦(?:了|啦|你了|您了)',
  '拜托(?:了|啦|你了|您了)?',
  '麻烦(?:你|您)了',
);

/**
 * Formulas set aside at the start, longest alternatives first. Self-introductions are only set aside when
 * they carry no topic: a role word (我是…学生, without 县/旗/市/镇/乡/村 in it) or a genre word right after
 * the verb (我在写论文, 我正在做调研报告); "我在写关于兴和县的论文" is kept because it names the topic.
 */
const LEADING_POLITENESS: readonly RegExp[] = [
  new RegExp(`^(?:小助手|助手|机器人|小编|客服|bot)?${GREETING}(?![a-z])(?:呀|啊|哇|哈|鸭|~)*`, 'i'),
  /^(?:不好意思|冒昧地?(?:问一下|问问|请问)?|打扰(?:一下|了|您了|你了|您一下|你一下)?)/,
  new RegExp(`^${THANKS}(?=${SEP})`),
  new RegExp(`^我是(?:一名|一个|一位|个|名)?[^\\s,，.。!！?？;；县旗盟市镇乡村]{0,16}?${ROLE}(?:呀|啊|哦)?`),
  /^我叫[\u4e00-\u9fff]{1,4}(?=[\s,，.。!！;；])/,
  new RegExp(
    `^我?(?:正|现在|最近|目前|正在)?(?:在|要|准备|需要)?(?:写|做|准备|整理)(?:一篇|一份|一个|篇|份|个)?${WRITING_KIND}?${WRITING}`,
    'i',
  ),
  /^请问(?:一下|下)?/,
  /^请教(?:一下|下)?/,
  /^(?:我想要|我想|我要|我需要|想要|想|需要)(?:知道|了解|问问|问|请教|咨询|查查|查询|查|打听)(?:一下|下)?/,
  new RegExp(
    `^麻烦(?:你|您)?(?:帮(?:我|忙)?)?${anyOf('问一下|问下|请问|查一下|查下|查|看一下|看下', '告诉我|说一下|讲一下|介绍一下')}?(?:一下)?`,
  ),
  new RegExp(
    `^(?:你|您)?(?:能不能|能否|可不可以|可以|能)(?:帮我|帮忙|给我|跟我)?${anyOf(
      '告诉我|告诉|说说|说一下|讲讲|讲一下',
      '介绍一下|介绍|查一下|查查|查|说|讲',
    )}(?:一下|下)?`,
  ),
  /^帮(?:我|忙)(?:查|看|问|找|搜)(?:一下|下)?/,
  /^介绍(?:一下|下)/,
  /^问(?:一下|下)/,
  /^请(?:你|您)(?:告诉我|帮我查一下|帮我查|帮我|说一下|讲一下|介绍一下)?/,
  /^请(?:告诉我|帮我查一下|帮我查|帮我|说一下|讲一下|介绍一下|介绍)/,
];

/** Formulas set aside at the end: thanks, laughter, emoji. */
const TRAILING_POLITENESS: readonly RegExp[] = [
  new RegExp(`${THANKS}$`),
  // A bare 感谢 only when it stands apart: "群众表示感谢" keeps it.
  new RegExp(`(?<=^|${SEP})感谢$`),
  /(?<![a-z])(?:thanks|thank you|thx|ty)$/i,
  /(?:哈哈|呵呵|嘿嘿|嘻嘻)[哈呵嘿嘻]*$/,
  /\p{Extended_Pictographic}+$/u,
];
/** Sentence-final particles, dropped only when at least two characters remain. */
const TRAILING_PARTICLE = /[呢啊吧呀哦嘛啦]$/;
const LEADING_SEP = new RegExp(`^${SEP}+`);
const TRAILING_SEP = new RegExp(`${SEP}+$`);

/**
 * Sets aside greetings, self-introductions, request formulas and thanks around the actual question.
 *
 * "你好，我在写论文，想了解一下兴和县的城镇化率是多少，谢谢！" → "兴和县的城镇化率是多少". At the start it
 * removes greetings (你好/您好/hi/hello …), apologies (打扰一下, 不好意思), topic-free self-introductions
 * (我是…学生, 我在写论文/报告/作业) and request formulas (请问, 麻烦问一下, 我想知道, 我想了解一下,
 * 能不能告诉我, 可以告诉我, 帮我查一下 …); at the end thanks (谢谢, 多谢, 感谢, 辛苦了, 拜托了), laughter
 * (哈哈), emoji, the particles 呢/啊/吧/呀/哦/嘛/啦, and punctuation (the question mark too). Only whole
 * formulas at the edges are removed, so the topic after 想了解 stays. Works on raw or normalized text.
 *
 * It never returns an empty string for an input with content: when nothing but politeness is left
 * ("谢谢！"), the trimmed input is returned so the caller can recognize it.
 */
export function stripPoliteness(s: string): string {
  const input = s.trim();
  let text = input;
  for (;;) {
    const before = text;
    text = text.replace(LEADING_SEP, '');
    for (const pattern of LEADING_POLITENESS) {
      const m = pattern.exec(text);
      if (!m || m[0] === '') continue;
      const rest = text.slice(m[0].length).replace(LEADING_SEP, '');
      if (rest !== '') text = rest;
    }
    text = text.replace(TRAILING_SEP, '');
    for (const pattern of TRAILING_POLITENESS) {
      const m = pattern.exec(text);
      if (!m || m[0] === '') continue;
      const rest = text.slice(0, m.index).replace(TRAILING_SEP, '');
      if (rest !== '') text = rest;
    }
    if (text.length > 2 && TRAILING_PARTICLE.test(text)) text = text.slice(0, -1).replace(TRAILING_SEP, '');
    if (text === before) break;
  }
  return text === '' ? input : text;
}

// ---------------------------------------------------------------------------------------------------------
// Pinyin place names
// ---------------------------------------------------------------------------------------------------------

/** What the pinyin matcher needs to know about a region (the knowledge schema's Region fits). */
export interface RomanizableRegion {
  id: string;
  name: string;
  aliases: readonly string[];
  /** Spellings people type, besides the computed pinyin (e.g. keqi, Hexigten). */
  romanized: readonly string[];
}

/** A pinyin place name found in a question. */
export interface PinyinMatch {
  regionId: string;
  /** The question's own text that matched, e.g. "Xing He Xian". */
  matched: string;
}

/** Administrative suffixes whose syllables may follow a pinyin place name (xinghe xian, keshiketeng qi). */
const ADMIN_SUFFIX_CHARS = '旗县区市盟镇乡村';
const ADMIN_SUFFIX_SYLLABLES = [
  'qi',
  'xian',
  'qu',
  'shi',
  'meng',
  'zhen',
  'xiang',
  'cun',
  'banner',
  'county',
];
/** A key may combine at most this many readings (heteronyms multiply). */
const MAX_READING_COMBINATIONS = 64;

const HAN = /^\p{Script=Han}$/u;

/** Whether a character is a Han ideograph: CJK unified blocks, compatibility block, 〇 (fast range test). */
function isHanChar(ch: string): boolean {
  const cp = ch.codePointAt(0) ?? 0;
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x323af) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    cp === 0x3007
  );
}
const readingCache = new Map<string, readonly string[]>();

/** All toneless readings of one Han character, ü written as v (什 → shen, shi). */
function readingsOf(ch: string): readonly string[] {
  const cached = readingCache.get(ch);
  if (cached) return cached;
  let readings: readonly string[] = [];
  if (HAN.test(ch)) {
    const raw = pinyin(ch, { toneType: 'none', type: 'array', multiple: true });
    readings = [
      ...new Set(raw.map((r) => r.toLowerCase().replaceAll('ü', 'v')).filter((r) => /^[a-z]+$/.test(r))),
    ];
  }
  readingCache.set(ch, readings);
  return readings;
}

/** Removes tones, tone digits and separators from a romanization: "Xīng Hé-xian3" → "xinghexian". */
function compactRomanization(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/ü|u:/g, 'v')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z]/g, '');
}

/** Every pinyin spelling of a Chinese name (one per combination of heteronym readings); [] if not all Han. */
function pinyinSpellings(name: string): string[] {
  const chars = [...name];
  if (chars.length === 0) return [];
  let combos: string[] = [''];
  for (const ch of chars) {
    const readings = readingsOf(ch);
    if (readings.length === 0) return [];
    const next: string[] = [];
    for (const prefix of combos) for (const r of readings) next.push(prefix + r);
    if (next.length > MAX_READING_COMBINATIONS) {
      // Too many heteronyms: fall back to the first (most common) reading of this character.
      combos = combos.map((prefix) => prefix + (readings[0] ?? ''));
    } else combos = next;
  }
  const out = new Set<string>();
  for (const c of combos) {
    out.add(c);
    if (c.includes('v')) out.add(c.replaceAll('v', 'u'));
  }
  return [...out];
}

/**
 * Lists the compact romanized keys a region can be recognized by: the pinyin of its name and aliases
 * (all heteronym readings, so 克什克腾 gives both keshiketeng and keshenketeng), the same without an
 * administrative suffix (兴和县 → xinghexian and xinghe), and its explicit `romanized` spellings.
 * Computed pinyin keys need two or more syllables, explicit ones three or more letters.
 */
export function romanizedRegionHints(region: RomanizableRegion): string[] {
  const keys = new Set<string>();
  for (const name of [region.name, ...region.aliases]) {
    const chars = [...name.trim()];
    const variants = [chars];
    const last = chars[chars.length - 1] ?? '';
    if (chars.length >= 3 && ADMIN_SUFFIX_CHARS.includes(last)) variants.push(chars.slice(0, -1));
    for (const v of variants) {
      if (v.length < 2) continue;
      for (const spelling of pinyinSpellings(v.join(''))) keys.add(spelling);
    }
  }
  for (const r of region.romanized) {
    const key = compactRomanization(r);
    if (key.length >= 3) keys.add(key);
  }
  return [...keys];
}

/** Latin words of a question with their positions in the original text. */
interface LatinWord {
  text: string;
  start: number;
  end: number;
}

/** Splits the Latin part of a question into words; tone marks and tone digits are dropped. */
function latinWords(question: string): Array<LatinWord[]> {
  const groups: Array<LatinWord[]> = [];
  let group: LatinWord[] = [];
  let word = '';
  let wordStart = -1;
  let wordEnd = -1;
  let gapOk = true; // only spaces, apostrophes, hyphens or dots since the last word
  const flush = (): void => {
    if (word !== '') {
      group.push({ text: word, start: wordStart, end: wordEnd });
      word = '';
    }
  };
  for (let i = 0; i < question.length; ) {
    const cp = question.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(cp);
    const width = ch.length;
    // Only ASCII, Latin-with-diacritics (below U+2E80) and full-width forms can hold Latin letters.
    const ascii = cp < 0x80;
    const maybeLatin = cp < 0x2e80 || (cp >= 0xff00 && cp <= 0xffef);
    const latin = ascii
      ? /[A-Za-z]/.test(ch)
        ? ch.toLowerCase()
        : ''
      : maybeLatin
        ? compactRomanization(ch)
        : '';
    const isMark = !ascii && maybeLatin && /^\p{M}$/u.test(ch);
    if (latin !== '' || (isMark && word !== '')) {
      if (word === '') {
        if (!gapOk && group.length > 0) {
          groups.push(group);
          group = [];
        }
        wordStart = i;
      }
      word += latin;
      wordEnd = i + width;
      gapOk = true;
    } else if (/^[1-5]$/.test(ch) && word !== '') {
      // A tone digit ends the syllable-word: "xing1he2" → xing, he.
      wordEnd = i + width;
      flush();
    } else if (/^[\s'’\-.·]$/u.test(ch)) {
      flush();
    } else {
      flush();
      gapOk = false;
    }
    i += width;
  }
  flush();
  if (group.length > 0) groups.push(group);
  return groups;
}

/**
 * Creates a matcher that finds a region's pinyin name typed in Latin letters in a question.
 *
 * Keys come from {@link romanizedRegionHints} (pinyin-pro readings of each region's name and aliases plus
 * its `romanized` list), so a new region needs no code change. The question's Latin text is compared with
 * tones, tone digits, case and spaces removed: "xinghe", "Xing He Xian", "xīnghé", "xing1he2", "keshiketeng",
 * "ke shi ke teng", "Keshiketeng Qi", "keqi" all match. A key must cover whole words — one word or several
 * adjacent words joined — optionally followed by an administrative syllable (qi, xian, qu, shi …), so it
 * never matches inside an ordinary word ("bikeqi") or out of order ("hexing"). The earliest match wins, the
 * longest at one position; when two regions share a key the first region listed owns it.
 */
export function createPinyinMatcher(
  regions: readonly RomanizableRegion[],
): (question: string) => PinyinMatch | undefined {
  const owner = new Map<string, string>();
  let maxKeyLength = 0;
  for (const region of regions) {
    for (const key of romanizedRegionHints(region)) {
      if (!owner.has(key)) owner.set(key, region.id);
      maxKeyLength = Math.max(maxKeyLength, key.length);
    }
  }
  const lookup = (compact: string): string | undefined => {
    const direct = owner.get(compact);
    if (direct !== undefined) return direct;
    for (const suffix of ADMIN_SUFFIX_SYLLABLES) {
      if (compact.length > suffix.length && compact.endsWith(suffix)) {
        const id = owner.get(compact.slice(0, -suffix.length));
        if (id !== undefined) return id;
      }
    }
    return undefined;
  };
  const limit = maxKeyLength + 'county'.length;

  return (question: string): PinyinMatch | undefined => {
    if (owner.size === 0 || !/[A-Za-z\u00c0-\u024f\uff21-\uff5a]/.test(question)) return undefined;
    for (const group of latinWords(question)) {
      for (let i = 0; i < group.length; i++) {
        let compact = '';
        let best: PinyinMatch | undefined;
        for (let j = i; j < group.length; j++) {
          const w = group[j];
          const first = group[i];
          if (!w || !first) break;
          compact += w.text;
          if (compact.length > limit) break;
          const id = lookup(compact);
          if (id !== undefined) best = { regionId: id, matched: question.slice(first.start, w.end) };
        }
        if (best) return best;
      }
    }
    return undefined;
  };
}

// ---------------------------------------------------------------------------------------------------------
// Place-name correction
// ---------------------------------------------------------------------------------------------------------

interface CorrectionTarget {
  name: string;
  chars: string[];
  /** The administrative suffix (旗 or 县 …) when the name ends with one. */
  suffix: string | undefined;
  /** Whether non-sound edits are allowed (the name without its suffix has 3+ characters). */
  anchored: boolean;
  maxDistance: number;
}

function sameSound(a: string, b: string): boolean {
  if (a === b) return true;
  const ra = readingsOf(a);
  if (ra.length === 0) return false;
  const rb = readingsOf(b);
  return ra.some((r) => rb.includes(r));
}

function levenshtein(a: readonly string[], b: readonly string[], max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length] ?? max + 1;
}

/**
 * Creates a corrector that rewrites near-miss place names in a question to their canonical spelling.
 *
 * Apply it to normalized (simplified) text. Names of 3+ characters are targets; a name ending in 旗/县/区/市/盟
 * whose remainder has 3+ characters also targets that remainder (克什克腾旗 → 克什克腾). Shorter names (兴和,
 * 克旗) are only protected, never produced. A window of the question is rewritten when it differs from a
 * target and either
 * - by sound: same length, at most 1 differing character (2 for names of 5+ characters), each differing pair
 *   sharing a toneless pinyin reading (兴合县/兴河县 → 兴和县, 克氏克腾 → 克什克腾, 克什克藤旗 → 克什克腾旗); or
 * - by anchored edit distance: the target's remainder has 3+ characters, the window keeps the suffix (or is
 *   followed by 县/旗 when the target has none), starts with the same or a same-sound character, and is within
 *   edit distance 1 (2 for 5+ characters), at most one of which is an inserted or deleted character
 *   (克什腾旗 → 克什克腾旗, 克什克腊旗 → 克什克腾旗).
 * At each position the closest target wins (fewest edits, then the longest name).
 * Never rewritten: exact occurrences of any given name, a changed administrative suffix (克什克腾县 is an
 * alias, handled elsewhere), and windows with non-Han characters. Deliberately conservative for
 * three-character names: only same-sound edits, so 和县 and 新河县 (other real counties) stay, and so do
 * 心和县 and 新和县 — xin is not xing, and 新和县 is a real county in Xinjiang.
 */
export function createPlaceNameCorrector(names: readonly string[]): (question: string) => string {
  const all = new Set<string>();
  for (const raw of names) {
    const name = raw.trim();
    if (name === '') continue;
    all.add(name);
    const chars = [...name];
    const last = chars[chars.length - 1] ?? '';
    if (chars.length >= 4 && ADMIN_SUFFIX_CHARS.includes(last)) all.add(chars.slice(0, -1).join(''));
  }
  const protectedNames = [...all].sort((a, b) => b.length - a.length);
  const targets: CorrectionTarget[] = [];
  for (const name of all) {
    const chars = [...name];
    if (chars.length < 3 || !chars.every(isHanChar)) continue;
    const last = chars[chars.length - 1] ?? '';
    const suffix = ADMIN_SUFFIX_CHARS.includes(last) ? last : undefined;
    const coreLength = suffix ? chars.length - 1 : chars.length;
    for (const ch of chars) readingsOf(ch);
    targets.push({
      name,
      chars,
      suffix,
      anchored: coreLength >= 3,
      maxDistance: chars.length >= 5 ? 2 : 1,
    });
  }
  targets.sort((a, b) => b.chars.length - a.chars.length);

  /** The targets a window starting with this character may correct (same-sound first character), cached. */
  const startsWith = new Map<string, readonly CorrectionTarget[]>();
  const candidatesFor = (ch: string): readonly CorrectionTarget[] => {
    let found = startsWith.get(ch);
    if (found === undefined) {
      found = targets.filter((t) => sameSound(ch, t.chars[0] ?? ''));
      startsWith.set(ch, found);
    }
    return found;
  };

  /** Edits between a window and a target when the window is an acceptable near miss, else undefined. */
  const accept = (window: string[], following: string, t: CorrectionTarget): number | undefined => {
    const lastChar = window[window.length - 1] ?? '';
    if (window.length === t.chars.length) {
      let diffs = 0;
      let allSound = true;
      for (let i = 0; i < window.length; i++) {
        const w = window[i] ?? '';
        const c = t.chars[i] ?? '';
        if (w === c) continue;
        diffs++;
        if (diffs > t.maxDistance) return undefined;
        if (allSound && !sameSound(w, c)) allSound = false;
      }
      if (diffs === 0) return undefined;
      if (allSound) return diffs;
    }
    if (!t.anchored) return undefined;
    if (t.suffix !== undefined ? lastChar !== t.suffix : following !== '县' && following !== '旗') {
      return undefined;
    }
    const distance = levenshtein(window, t.chars, t.maxDistance);
    return distance >= 1 && distance <= t.maxDistance ? distance : undefined;
  };

  return (question: string): string => {
    if (targets.length === 0) return question;
    const chars = [...question];
    const n = chars.length;
    // Prefix counts make "is the window all Han / free of protected names" an O(1) test.
    const nonHan = new Int32Array(n + 1);
    const charAt = new Int32Array(question.length + 1); // code-unit offset → character index
    for (let i = 0, offset = 0; i < n; i++) {
      const ch = chars[i] ?? '';
      nonHan[i + 1] = (nonHan[i] ?? 0) + (isHanChar(ch) ? 0 : 1);
      charAt[offset] = i;
      offset += ch.length;
      charAt[offset] = i + 1;
    }
    const blockedMarks = new Uint8Array(n);
    for (const name of protectedNames) {
      for (let at = question.indexOf(name); at !== -1; at = question.indexOf(name, at + 1)) {
        blockedMarks.fill(1, charAt[at] ?? 0, charAt[at + name.length] ?? n);
      }
    }
    const blocked = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) blocked[i + 1] = (blocked[i] ?? 0) + (blockedMarks[i] ?? 0);
    const clean = (from: number, to: number): boolean =>
      nonHan[to] === nonHan[from] && blocked[to] === blocked[from];

    let out = '';
    let changed = false;
    for (let i = 0; i < n; ) {
      const first = chars[i] ?? '';
      let best: { name: string; length: number; distance: number } | undefined;
      if (nonHan[i + 1] === nonHan[i]) {
        for (const t of candidatesFor(first)) {
          // Insertions and deletions only by one character; substitutions up to maxDistance.
          const lengths = t.anchored
            ? [t.chars.length, t.chars.length - 1, t.chars.length + 1]
            : [t.chars.length];
          for (const length of lengths) {
            if (length < 2 || i + length > n || !clean(i, i + length)) continue;
            const distance = accept(chars.slice(i, i + length), chars[i + length] ?? '', t);
            if (distance === undefined) continue;
            if (!best || distance < best.distance) best = { name: t.name, length, distance };
          }
        }
      }
      if (best) {
        out += best.name;
        i += best.length;
        changed = true;
      } else {
        out += first;
        i++;
      }
    }
    return changed ? out : question;
  };
}
