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

// Characters so common in questions that a slip to them is far less likely than their own use:
// a window is never read as another word by changing one of these (是指 is not 实字).
const FROZEN = new Set('是的了在有之那这就也都个吗呢吧啊么');
// Common words that sound like words of the knowledge (之前/至前, 那天/哪天): never "corrected".
const COMMON =
  /是指|之前|之后|以前|以后|为何|为了|因为|所以|但是|还是|就是|只是|那天|哪天|登在|在于|由于|对于|关于|至于|等于|属于|作为|成为|认为|以为|为主/g;

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
    // Names written right (兴和县) and common words are left as they are: no window may touch them.
    const frozen = new Array<boolean>(chars.length).fill(false);
    const freeze = (from: number, length: number) => frozen.fill(true, from, from + length);
    for (const n of names)
      for (let at = run.indexOf(n); at >= 0; at = run.indexOf(n, at + 1)) freeze(at, n.length);
    for (const m of run.matchAll(COMMON)) freeze(m.index, m[0].length);
    const sounds = chars.map(syllableOf);
    // known[j]: the knowledge holds the bigram starting at j. A window is held when all its bigrams are.
    const known = chars.map((_, j) => j + 1 < chars.length && options.isKnown(`${chars[j]}${chars[j + 1]}`));
    const held = (from: number, to: number) => {
      for (let j = from; j < to - 1; j++) if (!known[j]) return false;
      return true;
    };
    /** The word a window reads as, or undefined. `joinNext`: the word must join what follows it. */
    const readingAt = (i: number, len: number, joinNext: boolean): string | undefined => {
      if (held(i, i + len)) return undefined;
      // A slip is a word of its own: a window that a known word enters from the left and another
      // leaves to the right (财[政收]入) straddles two words; a two-character one must not touch a
      // known word at either edge (兴和[县怎]么样), unless it sounds like a name (客旗是 → 克旗是).
      const left = i > 0 && (known[i - 1] ?? false);
      const right = i + len < chars.length && (known[i + len - 1] ?? false);
      if (left && right) return undefined;
      const word = byKey.get(`${sounds.slice(i, i + len).join('|')}|`);
      if (!word || (len === 2 && (left || right) && !names.has(word))) return undefined;
      const wordChars = Array.from(word);
      if (chars.slice(i, i + len).some((c, k) => frozen[i + k] || (c !== wordChars[k] && FROZEN.has(c)))) {
        return undefined;
      }
      // It must not break what the knowledge holds around it: in 兴和县位于, 县位 is a junction, and
      // 兴和县委 would turn the known 位于 into 委于.
      const next = chars[i + len];
      const joins = next === undefined || options.isKnown(`${wordChars.at(-1) ?? ''}${next}`);
      if ((right || joinNext) && !joins) return undefined;
      if (left && !options.isKnown(`${chars[i - 1] ?? ''}${wordChars[0] ?? ''}`)) return undefined;
      return word === chars.slice(i, i + len).join('') ? undefined : word;
    };
    let out = '';
    for (let i = 0; i < chars.length; ) {
      // A reading that joins what follows (心和|县为房 → 兴和县 + 危房) beats a longer one that does
      // not (兴和县委 + 房): the longest such window, else the longest window at all.
      let found: { word: string; len: number } | undefined;
      for (const joinNext of [true, false]) {
        for (let len = Math.min(MAX_WORD, chars.length - i); len >= 2 && !found; len--) {
          const word = readingAt(i, len, joinNext);
          if (word) found = { word, len };
        }
        if (found) break;
      }
      if (found) {
        out += found.word;
        i += found.len;
      } else {
        out += chars[i];
        i++;
      }
    }
    return out;
  };
  return (text) => text.replace(/[\u4e00-\u9fff]{2,}/g, readRun);
}
