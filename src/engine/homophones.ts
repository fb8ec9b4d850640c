/**
 * Homophones: people type by pinyin and dictate by voice, so a word comes out as another word of the
 * same sound (拖贫 for 脱贫, 建档力卡 for 建档立卡, 客旗 for 克旗, 刘正 for 刘政, 心和县 for 兴和县).
 * A run of the question the knowledge does not hold is compared by sound with the knowledge's words
 * and read as the word it sounds like.
 */
import { pinyin } from 'pinyin-pro';

/** The words to read homophones as, and how sure a short one must be. */
export interface HomophoneWords {
  /** Words of three characters or more: any of the knowledge's words. */
  readonly words: Iterable<string>;
  /** Two-character words are read only as these curated phrases (脱贫, 贷款, 危房). */
  readonly shortWords: Iterable<string>;
  /** Names of places and people (克旗, 兴和, 刘政): read wherever they stand. */
  readonly names: Iterable<string>;
  /** Whether the knowledge holds this run as it is (then it is not a slip). */
  readonly isKnown: (run: string) => boolean;
}

const MAX_WORD = 7;

/**
 * A sound key, forgiving the slips of dictation and of southern accents: no tones, zh/ch/sh as
 * z/c/s, -ng as -n, ü as u (兴 xing and 心 xin sound alike here).
 */
function soundOf(syllable: string): string {
  return syllable
    .replace(/^([zcs])h/, '$1')
    .replace(/ng$/, 'n')
    .replace(/[üv]/g, 'u');
}

/** Creates a reader that replaces homophone slips by the knowledge's words. */
export function createHomophoneReader(options: HomophoneWords): (text: string) => string {
  const syllables = new Map<string, string>();
  const syllableOf = (c: string): string => {
    let s = syllables.get(c);
    if (s === undefined) syllables.set(c, (s = soundOf(pinyin(c, { toneType: 'none' }).toLowerCase())));
    return s;
  };

  const keyOf = (word: string): string => {
    let key = '';
    for (const c of word) key += `${syllableOf(c)}|`;
    return key;
  };
  // A key that two words share is ambiguous: it reads as neither.
  const byKey = new Map<string, string | null>();
  const add = (w: string) => {
    if (w.length < 2 || w.length > MAX_WORD || !/^[\u4e00-\u9fff]+$/.test(w)) return;
    const key = keyOf(w);
    const known = byKey.get(key);
    if (known === undefined) byKey.set(key, w);
    else if (known !== w) byKey.set(key, null);
  };
  const names = new Set<string>();
  for (const w of options.names) {
    add(w);
    names.add(w);
  }
  for (const w of options.shortWords) add(w);
  for (const w of options.words) if (w.length >= 3) add(w);

  const readRun = (run: string): string => {
    const chars = Array.from(run);
    const sounds = chars.map(syllableOf);
    // known[j]: the knowledge holds the bigram starting at j. A window is held when all its bigrams are.
    const known = chars.map((_, j) => j + 1 < chars.length && options.isKnown(`${chars[j]}${chars[j + 1]}`));
    const held = (from: number, to: number) => {
      for (let j = from; j < to - 1; j++) if (!known[j]) return false;
      return true;
    };
    let out = '';
    for (let i = 0; i < chars.length; ) {
      let replaced = false;
      for (let len = Math.min(MAX_WORD, chars.length - i); len >= 2; len--) {
        if (held(i, i + len)) continue;
        // A slip is a word of its own: a window that a known word enters from the left and another
        // leaves to the right (财[政收]入) straddles two words; a two-character one must not touch a
        // known word at either edge (兴和[县怎]么样), unless it sounds like a name (客旗是 → 克旗是).
        const left = i > 0 && (known[i - 1] ?? false);
        const right = i + len < chars.length && (known[i + len - 1] ?? false);
        if (left && right) continue;
        const word = byKey.get(`${sounds.slice(i, i + len).join('|')}|`);
        if (!word || (len === 2 && (left || right) && !names.has(word))) continue;
        const w = chars.slice(i, i + len).join('');
        if (word !== w) {
          out += word;
          i += len;
          replaced = true;
          break;
        }
      }
      if (!replaced) {
        out += chars[i];
        i++;
      }
    }
    return out;
  };
  return (text) => text.replace(/[\u4e00-\u9fff]{2,}/g, readRun);
}
