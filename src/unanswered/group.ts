/**
 * Grouping unanswered questions by similarity, so that a maintainer sees which knowledge is missing:
 * 克旗GDP是多少 and 克什克腾旗的GDP多少 are one group. A question is reduced to a set of terms — the
 * regions it names (every alias of a region is one term), Latin words, numbers and the bigrams of the
 * rest, after normalization and with politeness, particles and question words set aside — and two
 * questions are near-duplicates when the Jaccard similarity of their term sets reaches a threshold.
 */
import { normalizeText, stripPoliteness } from '../engine/normalize.js';
import type { UnansweredRecord } from './log.js';

/** A region's names, to read every alias of a region as the same term. */
export interface RegionNames {
  readonly id: string;
  readonly names: readonly string[];
}

/** One group of similar questions. */
export interface QuestionGroup {
  /** The most asked wording. */
  readonly question: string;
  readonly count: number;
  /** The other wordings, most asked first, with their counts. */
  readonly variants: readonly { readonly question: string; readonly count: number }[];
  /** How often each verdict came: declined (none) with a reason, or asked back (ambiguous). */
  readonly reasons: readonly { readonly reason: string; readonly count: number }[];
  /** The best candidate entries offered, most frequent first, with their best score. */
  readonly candidates: readonly { readonly id: string; readonly count: number; readonly score: number }[];
  readonly chatTypes: readonly { readonly chatType: string; readonly count: number }[];
  readonly first: string;
  readonly last: string;
}

/** Options of {@link groupQuestions}. */
export interface GroupOptions {
  readonly regions?: readonly RegionNames[];
  /** The least Jaccard similarity of two questions' terms to group them (default 0.5). */
  readonly threshold?: number;
}

// Question words and particles that say nothing about what is asked.
const FILLER =
  /(?:请问|是多少|有多少|多少|是什么|什么|哪些|怎么样|怎样|如何|吗|呢|吧|啊|呀|的|了|是|有|一下|告诉我|知道)/g;

/** Groups questions by similarity, most frequent group first. */
export function groupQuestions(
  records: readonly UnansweredRecord[],
  options: GroupOptions = {},
): QuestionGroup[] {
  const threshold = options.threshold ?? 0.5;
  const termsOf = createTermReader(options.regions ?? []);

  // Identical wordings (after normalization) first, so each group is seeded by its most asked one.
  const wordings = new Map<string, { question: string; records: UnansweredRecord[]; terms: Set<string> }>();
  for (const r of records) {
    const key = normalizeText(r.question);
    let w = wordings.get(key);
    if (!w) wordings.set(key, (w = { question: r.question.trim(), records: [], terms: termsOf(r.question) }));
    w.records.push(r);
  }
  const ordered = [...wordings.values()].sort((a, b) => b.records.length - a.records.length);

  const groups: { seed: Set<string>; members: typeof ordered }[] = [];
  for (const w of ordered) {
    let best: (typeof groups)[number] | undefined;
    let bestScore = 0;
    for (const g of groups) {
      const s = jaccard(g.seed, w.terms);
      if (s > bestScore) {
        best = g;
        bestScore = s;
      }
    }
    if (best && bestScore >= threshold) best.members.push(w);
    else groups.push({ seed: w.terms, members: [w] });
  }

  return groups
    .map((g) => summarize(g.members))
    .sort((a, b) => b.count - a.count || (a.last < b.last ? 1 : -1));
}

function summarize(members: readonly { question: string; records: UnansweredRecord[] }[]): QuestionGroup {
  const all = members.flatMap((m) => m.records);
  const times = all
    .map((r) => r.time)
    .filter(Boolean)
    .sort();
  const candidates = new Map<string, { count: number; score: number }>();
  for (const r of all) {
    if (!r.best) continue;
    const c = candidates.get(r.best.id) ?? { count: 0, score: Number.NEGATIVE_INFINITY };
    c.count++;
    c.score = Math.max(c.score, r.best.score);
    candidates.set(r.best.id, c);
  }
  const [head, ...rest] = members;
  return {
    question: head?.question ?? '',
    count: all.length,
    variants: rest.map((m) => ({ question: m.question, count: m.records.length })),
    reasons: tally(all.map((r) => (r.kind === 'ambiguous' ? 'asked back' : (r.reason ?? 'declined')))).map(
      ([reason, count]) => ({ reason, count }),
    ),
    candidates: [...candidates]
      .map(([id, c]) => ({ id, count: c.count, score: c.score }))
      .sort((a, b) => b.count - a.count || b.score - a.score),
    chatTypes: tally(all.map((r) => r.chatType)).map(([chatType, count]) => ({ chatType, count })),
    first: times[0] ?? '',
    last: times[times.length - 1] ?? '',
  };
}

/** Reads a question as its set of terms (see the module comment). */
export function createTermReader(regions: readonly RegionNames[]): (question: string) => Set<string> {
  const names = regions
    .flatMap((r) => r.names.map((n) => ({ name: normalizeText(n), id: r.id })))
    .filter((n) => n.name.length > 0)
    .sort((a, b) => b.name.length - a.name.length);
  return (question) => {
    let text = stripPoliteness(normalizeText(question));
    const terms = new Set<string>();
    for (const { name, id } of names) {
      if (!text.includes(name)) continue;
      terms.add(`@region:${id}`);
      text = text.split(name).join(' ');
    }
    text = text.replace(FILLER, ' ');
    for (const m of text.matchAll(/[a-z]+|\d+(?:\.\d+)?/g)) terms.add(m[0]);
    for (const run of text.match(/[\u3400-\u9fff]+/g) ?? []) {
      if (run.length === 1) terms.add(run);
      for (let i = 0; i + 1 < run.length; i++) terms.add(run.slice(i, i + 2));
    }
    return terms;
  };
}

/** |a ∩ b| / |a ∪ b|; 0 for two empty sets. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

function tally(values: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
}
