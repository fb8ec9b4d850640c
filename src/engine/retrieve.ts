/**
 * Retrieval: an index built once over the entries' search fields, and scoring of a question against it.
 *
 * Fuse.js is the fuzzy matcher, used where it is strong: a run of the question's characters that the
 * knowledge does not hold (城镇花率, 建挡立卡, 克什克藤) is looked up with Fuse in the knowledge's own
 * vocabulary (`ignoreLocation`, an edit-distance check on its candidates) and read as the word it most
 * likely meant. Ranking is ours, built around what Fuse's scores cannot express: term rarity (idf),
 * per-field weights, and coverage — how much of the question's rare-word mass an entry holds — which
 * also decides when to decline.
 */
import Fuse from 'fuse.js';
import { pinyin } from 'pinyin-pro';
import type { Entry } from './entries.js';
import { normalizeText } from './normalize.js';
import { termsOf } from './text.js';

/** An entry's score against one question. */
export interface Scored {
  readonly entry: Entry;
  /** Σ idf × field weight of the question's terms the entry holds. */
  readonly score: number;
  /** Share of the question's weight (its characters, numbers and words, by rarity) the entry holds. */
  readonly coverage: number;
}

/** A question term with its weight (idf); `known` is false for terms no entry holds. */
export interface WeightedTerm {
  readonly term: string;
  readonly idf: number;
  readonly known: boolean;
}

/** What a search needs of a question: its text, and other words for some of its words. */
export interface SearchQuery {
  readonly text: string;
  /** A word of `text` may be held as itself or as any of its alternatives (花 → 支出, 投资). */
  readonly synonyms?: readonly { readonly span: string; readonly alternatives: readonly string[] }[];
  /** Words that add to the score of an entry holding them, without counting in its coverage. */
  readonly bonus?: readonly string[];
}

/** The result of one search. */
export interface SearchResult {
  readonly results: Scored[];
  readonly terms: readonly WeightedTerm[];
  /** The text searched, after pinyin and typos were read as the knowledge's words. */
  readonly corrected: string;
}

/** The index of a set of entries. */
export interface Index {
  search(query: SearchQuery): SearchResult;
  /** The weight of a term: its idf, or the weight of an unknown term. */
  idf(term: string): number;
  /** Reads Latin runs in pinyin as the knowledge's words (tuopin → 脱贫); other Latin stays. */
  readPinyin(text: string): string;
  /** Whether the knowledge holds a run of characters as it is (every bigram of it). */
  knows(run: string): boolean;
  /** The knowledge's words: indicators, ask phrases, names, and the words of its texts. */
  readonly vocabulary: readonly string[];
  readonly size: { readonly entries: number; readonly terms: number; readonly vocabulary: number };
}

// Characters that carry little meaning alone: a bigram holding one that the knowledge does not
// hold is the question's wording, not a missing topic.
const LIGHT =
  /[在和与及对给为地得就都也还其这那他她它们我你您个些有要会能把被从到让向比更最很又再已跟或呀吗呢吧啊哈嘛哦喔]/;
const CJK_RUN = /[\u3400-\u9fff]+/g;
const SYNONYM_WEIGHT = 0.7;
const BONUS_WEIGHT = 0.5;
// Question words spelled in pinyin: they are not in the knowledge, but they say what is asked.
const QUESTION_PINYIN = new Map([
  ['duoshao', '多少'],
  ['nian', '年'],
  ['jinnian', '今年'],
  ['qunian', '去年'],
  ['nali', '哪里'],
  ['naer', '哪儿'],
  ['shenme', '什么'],
  ['shenmeshihou', '什么时候'],
  ['zenme', '怎么'],
  ['zenmeyang', '怎么样'],
  ['ruhe', '如何'],
  ['shei', '谁'],
  ['shui', '谁'],
  ['naxie', '哪些'],
  ['naxian', '哪个县'],
  ['jige', '几个'],
  ['shibushi', '是不是'],
  ['weishenme', '为什么'],
]);
const FUSE_OPTIONS = {
  keys: ['w'],
  includeScore: true,
  ignoreLocation: true,
  threshold: 0.4,
  minMatchCharLength: 2,
};

/** Builds the index: term postings with field weights, idf, and the Fuse vocabulary. */
export function buildIndex(entries: readonly Entry[]): Index {
  const postings = new Map<string, Map<number, number>>();
  // Fields repeat text (a fact's sentence stands in its turn's answer): normalize and cut each once.
  const termsCache = new Map<string, ReadonlySet<string>>();
  const termsOfField = (text: string) => {
    let terms = termsCache.get(text);
    if (!terms) termsCache.set(text, (terms = new Set(termsOf(normalizeText(text), { unigrams: true }))));
    return terms;
  };
  entries.forEach((e, i) => {
    for (const f of e.fields) {
      if (!f.text) continue;
      for (const t of termsOfField(f.text)) {
        let p = postings.get(t);
        if (!p) postings.set(t, (p = new Map()));
        p.set(i, Math.max(p.get(i) ?? 0, f.weight));
      }
    }
  });
  const n = entries.length;
  const idfOf = new Map<string, number>();
  for (const [t, p] of postings) idfOf.set(t, Math.log(1 + n / p.size));
  // A term no entry holds weighs like the rarest: off-topic questions are made of such terms.
  const unknownIdf = Math.log(1 + n);
  // An unknown Latin word or number weighs less: more often English, or a user's rough figure
  // (约4.8万人), than the topic.
  const idf = (t: string) =>
    idfOf.get(t) ??
    (LIGHT.test(t)
      ? 0
      : t.startsWith('@') || t.startsWith('#')
        ? unknownIdf * 0.3
        : t.length === 1
          ? unknownIdf / 2
          : unknownIdf);

  const vocabulary = buildVocabulary(entries);
  const vocabSet = new Set(vocabulary);
  // A character prefilter: only words sharing enough characters with a run go to Fuse, which
  // otherwise scans the whole vocabulary for every unknown run (4-5x the time, same results).
  const wordsWithChar = new Map<string, number[]>();
  vocabulary.forEach((w, i) => {
    for (const c of new Set(w)) {
      let list = wordsWithChar.get(c);
      if (!list) wordsWithChar.set(c, (list = []));
      list.push(i);
    }
  });
  const knownRun = (run: string) => termsOf(run).every((t) => postings.has(t));

  /** Reads a run of characters the knowledge does not hold as the vocabulary word it most likely meant. */
  const correctRun = (run: string): string => {
    if (vocabSet.has(run) || knownRun(run)) return run;
    const allowed = run.length >= 7 ? 2 : 1;
    const shared = new Map<number, number>();
    for (const c of new Set(run))
      for (const i of wordsWithChar.get(c) ?? []) shared.set(i, (shared.get(i) ?? 0) + 1);
    const candidates: { w: string }[] = [];
    for (const [i, k] of shared) {
      const w = vocabulary[i] as string;
      if (k >= run.length - allowed && Math.abs(w.length - run.length) <= allowed) candidates.push({ w });
    }
    if (candidates.length === 0) return run;
    const fuse = new Fuse(candidates, FUSE_OPTIONS);
    for (const h of fuse.search(run, { limit: 8 })) {
      // Fuse ranks by its score; a candidate must also be a near-miss by edit distance.
      if (editDistance(h.item.w, run) <= allowed) return h.item.w;
    }
    return run;
  };
  // Whole runs only: a typo is fixed within its word, never by cutting a long run into pieces.
  const correct = (text: string) =>
    text.replace(/[\u4e00-\u9fff]{3,}/g, (run) => (run.length <= 8 ? correctRun(run) : run));

  // Built with the index (some 20 ms) rather than on the first pinyin question, which would wait for it.
  const [pinyinWords, pinyinMax] = buildPinyinWords(vocabulary, postings.keys());
  /** Latin runs in pinyin (chengzhenhualv, nongcun jumin) → the vocabulary words they spell. */
  const readPinyin = (text: string): string =>
    text.replace(/[a-z]+(?: [a-z]+)*/g, (latin) => {
      const parts = segmentPinyin(latin.replace(/ /g, ''), pinyinWords, pinyinMax);
      if (!parts.some((p) => p.hanzi)) return latin;
      // Between pinyin words, short leftovers are particles and measure words (le, de, ge): dropped.
      return parts
        .filter((p) => p.hanzi || p.text.length > 3)
        .map((p) => p.hanzi ?? p.text)
        .filter(Boolean)
        .join(' ');
    });

  return {
    size: { entries: n, terms: postings.size, vocabulary: vocabulary.length },
    idf,
    readPinyin,
    knows: (run) => vocabSet.has(run) || knownRun(run),
    vocabulary,
    search(query) {
      const corrected = correct(query.text);
      const synonyms = (query.synonyms ?? []).map((syn) => ({
        span: syn.span,
        alternatives: syn.alternatives.map((w) => termsOf(normalizeText(w))).filter((t) => t.length > 0),
      }));
      const units = unitsOf(corrected, idf, synonyms);
      const allTerms = new Map<string, number>();
      for (const u of units) for (const t of u.terms) allTerms.set(t, 1);
      for (const syn of synonyms) {
        for (const alt of syn.alternatives)
          for (const t of alt) if (!allTerms.has(t)) allTerms.set(t, SYNONYM_WEIGHT);
      }
      for (const b of query.bonus ?? []) {
        for (const t of termsOf(normalizeText(b))) if (!allTerms.has(t)) allTerms.set(t, BONUS_WEIGHT);
      }

      const matched = new Map<number, { score: number; terms: Set<string> }>();
      for (const [t, factor] of allTerms) {
        const p = postings.get(t);
        if (!p) continue;
        const w = idf(t) * factor;
        for (const [i, fieldWeight] of p) {
          let m = matched.get(i);
          if (!m) matched.set(i, (m = { score: 0, terms: new Set() }));
          m.score += w * fieldWeight;
          m.terms.add(t);
        }
      }
      const total = units.reduce((s, u) => s + u.weight, 0);
      const results: Scored[] = [];
      for (const [i, m] of matched) {
        const entry = entries[i];
        if (!entry) continue;
        let held = 0;
        for (const u of units) if (u.covered(m.terms)) held += u.weight;
        results.push({ entry, score: m.score, coverage: total > 0 ? held / total : 0 });
      }
      results.sort((x, y) => y.score - x.score);
      const terms = [...allTerms.keys()].map((t) => ({ term: t, idf: idf(t), known: postings.has(t) }));
      return { results, terms, corrected };
    },
  };
}

/** One part of a question that an entry holds or not: a character, a number, a word. */
interface Unit {
  readonly terms: readonly string[];
  readonly weight: number;
  covered(held: ReadonlySet<string>): boolean;
}

/**
 * The units of a question. A Chinese character weighs as much as the rarest bigram it is part of,
 * and is held by an entry that holds either of its bigrams; so a bigram across two words (人口脱 in
 * 贫困人口脱贫) costs nothing when both words are held.
 */
function unitsOf(
  text: string,
  idf: (t: string) => number,
  synonyms: readonly { readonly span: string; readonly alternatives: readonly string[][] }[],
): Unit[] {
  // A character inside a synonym's span is also held by an entry holding one of its alternatives.
  const altAt = new Map<number, string[][]>();
  for (const syn of synonyms) {
    for (let at = text.indexOf(syn.span); at >= 0; at = text.indexOf(syn.span, at + 1)) {
      for (let k = at; k < at + syn.span.length; k++)
        altAt.set(k, [...(altAt.get(k) ?? []), ...syn.alternatives]);
    }
  }
  const viaSynonym = (k: number, h: ReadonlySet<string>) =>
    (altAt.get(k) ?? []).some((alt) => alt.every((t) => h.has(t)));

  const units: Unit[] = [];
  for (const m of text.matchAll(CJK_RUN)) {
    const run = m[0];
    const start = m.index;
    if (run.length === 1) {
      if (LIGHT.test(run) && !altAt.has(start)) continue;
      const weight = Math.max(idf(run), altAt.has(start) ? 1 : 0);
      units.push({ terms: [run], weight, covered: (h) => h.has(run) || viaSynonym(start, h) });
      continue;
    }
    const bigrams = Array.from({ length: run.length - 1 }, (_, i) => run.slice(i, i + 2));
    for (let j = 0; j < run.length; j++) {
      const mine = [bigrams[j - 1], bigrams[j]].filter((b): b is string => b !== undefined);
      const weight = Math.max(...mine.map(idf));
      const k = start + j;
      if (weight > 0)
        units.push({ terms: mine, weight, covered: (h) => mine.some((b) => h.has(b)) || viaSynonym(k, h) });
    }
  }
  for (const t of termsOf(text.replace(CJK_RUN, ' '))) {
    units.push({ terms: [t], weight: idf(t), covered: (h) => h.has(t) });
  }
  return units;
}

/** The knowledge's words: indicators, ask phrases, names, topics, and the words of its texts. */
function buildVocabulary(entries: readonly Entry[]): string[] {
  const words = new Set<string>();
  const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
  const texts = new Set(entries.flatMap((e) => e.fields.map((f) => f.text)));
  for (const raw of texts) {
    const text = normalizeText(raw);
    for (const chunk of text.split(/[^\u4e00-\u9fff]+/)) {
      if (chunk.length >= 2 && chunk.length <= 8) words.add(chunk);
    }
    for (const s of segmenter.segment(text)) {
      if (s.isWordLike && /^[\u4e00-\u9fff]{2,8}$/.test(s.segment)) words.add(s.segment);
    }
  }
  return [...words];
}

/**
 * Pinyin spellings of the knowledge's words and bigrams (tuopin → 脱贫, chengzhenhualv → 城镇化率),
 * from each character's most common reading; ü is spelled v or u.
 */
function buildPinyinWords(
  vocabulary: readonly string[],
  bigrams: Iterable<string>,
): [Map<string, string>, number] {
  const reading = new Map<string, string>();
  const spell = (w: string) => {
    let key = '';
    for (const c of w) {
      let r = reading.get(c);
      if (r === undefined) reading.set(c, (r = pinyin(c, { toneType: 'none' }).toLowerCase()));
      key += r;
    }
    return key;
  };
  const map = new Map<string, string>();
  let max = 0;
  // Bigrams first, then words by length, so that a longer word spelled the same wins.
  const words = [
    ...bigrams,
    ...[...vocabulary].filter((x) => x.length <= 6).sort((a, b) => a.length - b.length),
  ];
  vocabularyPairs = new Set(vocabulary.filter((w) => w.length === 2));
  for (const w of words) {
    // Single characters (the index keeps them too) would read any short syllable as a word.
    if (!/^[\u4e00-\u9fff]{2,}$/.test(w)) continue;
    const key = spell(w);
    for (const k of new Set([key.replaceAll('ü', 'v'), key.replaceAll('ü', 'u')])) {
      if (/^[a-z]+$/.test(k)) {
        map.set(k, w);
        max = Math.max(max, k.length);
      }
    }
  }
  return [map, max];
}

/** A piece of a pinyin run: a word it spells, or letters left over. */
interface PinyinPiece {
  readonly text: string;
  readonly hanzi?: string;
}

/**
 * Cuts a run of pinyin letters into the words it spells, covering as many letters as possible with
 * as few pieces as possible, preferring question words and vocabulary words over mere bigrams.
 */
function segmentPinyin(compact: string, words: ReadonlyMap<string, string>, maxLen: number): PinyinPiece[] {
  const n = compact.length;
  // cost[i]: [letters left uncovered, weight of the pieces] of the best cut of compact[i..]. A word of
  // the vocabulary or a question word weighs 1, a mere bigram of the knowledge 1.5 (it more often
  // reads a junction of two words), a particle (shi, de, le) 1, and it stands for nothing.
  const cost: [number, number][] = Array.from({ length: n + 1 }, () => [0, 0]);
  const choice: number[] = new Array(n + 1).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let best: [number, number] = [(cost[i + 1]?.[0] ?? 0) + 1, (cost[i + 1]?.[1] ?? 0) + 1];
    let bestLen = 0;
    const consider = (len: number, weight: number) => {
      const rest = cost[i + len] ?? [0, 0];
      const c: [number, number] = [rest[0], rest[1] + weight];
      if (c[0] < best[0] || (c[0] === best[0] && c[1] < best[1])) {
        best = c;
        bestLen = len;
      }
    };
    for (let len = Math.min(maxLen, n - i); len >= 4; len--) {
      const key = compact.slice(i, i + len);
      const hanzi = QUESTION_PINYIN.get(key) ?? words.get(key);
      if (hanzi)
        consider(len, QUESTION_PINYIN.has(key) || hanzi.length !== 2 || !isBigramOnly(hanzi) ? 1 : 1.5);
    }
    const wordLen = bestLen;
    for (const p of PARTICLES) if (compact.startsWith(p, i)) consider(p.length, 1);
    cost[i] = best;
    // A negative choice marks a particle: it is read and dropped.
    choice[i] = bestLen !== wordLen ? -bestLen : bestLen;
  }
  const out: PinyinPiece[] = [];
  let rest = '';
  for (let i = 0; i < n; ) {
    const chosen = choice[i] ?? 0;
    if (chosen === 0) {
      rest += compact[i];
      i++;
      continue;
    }
    if (rest) out.push({ text: rest });
    rest = '';
    const len = Math.abs(chosen);
    const key = compact.slice(i, i + len);
    // A particle (negative choice) is read and dropped.
    out.push({ text: key, hanzi: chosen < 0 ? '' : (QUESTION_PINYIN.get(key) ?? words.get(key) ?? '') });
    i += len;
  }
  if (rest) out.push({ text: rest });
  return out;
}

// Syllables that carry no topic in a pinyin question: 是, 的, 了, 吗, 呢, 个, 在, 有, 和, 啊, 呀, 吧.
const PARTICLES = ['shi', 'de', 'le', 'ma', 'ne', 'ge', 'zai', 'you', 'he', 'a', 'ya', 'ba'];

// Set by buildPinyinWords: two-character strings that are vocabulary words, not mere bigrams.
let vocabularyPairs: ReadonlySet<string> = new Set();
function isBigramOnly(hanzi: string): boolean {
  return !vocabularyPairs.has(hanzi);
}

/** Levenshtein distance of two short strings. */
function editDistance(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1);
      cur.push(Math.min(sub, (prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1));
    }
    prev = cur;
  }
  return prev[y.length] ?? 0;
}
