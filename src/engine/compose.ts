/**
 * Composing an answer's parts: the figure with the clauses around it, or the sentences of an answer
 * that hold most of the question; the figure check; the comparison of two figures.
 */
import { type Entry, refOf } from './entries.js';
import type { ParsedQuestion } from './query.js';
import type { Scored, WeightedTerm } from './retrieve.js';
import { excerptAround, sentencesOf, termsOf, trimNumber, truncateAtBoundary } from './text.js';
import type { AnswerPart } from './types.js';

/** How long a fact's excerpt and an answer's lead may be, in characters. */
export interface ComposeLimits {
  readonly factExcerpt: number;
  readonly lead: number;
}

/** One part of an answer: its headline, its lead (verbatim), figures, speaker and citation. */
export function composePart(
  c: Scored,
  parsed: ParsedQuestion,
  terms: readonly WeightedTerm[],
  idf: (term: string) => number,
  limits: ComposeLimits,
): AnswerPart {
  const e = c.entry;
  const fact = e.fact;
  const regionName = e.region?.name;
  let headline: string;
  let lead: string;
  if (fact) {
    headline = `${regionName ? `${regionName} · ` : ''}${fact.indicator} ${fact.values.map((v) => v.text).join('、')}`;
    lead = excerptAround(e.body, fact.quote, limits.factExcerpt);
  } else if (e.kind === 'person' || e.kind === 'source') {
    headline = e.label;
    lead = e.body;
  } else {
    headline = `${regionName ? `${regionName} · ` : ''}${e.label}`;
    // Sentences are picked by every word of the question, its periods (今年) and synonyms included.
    const words = new Map(terms.map((t) => [t.term, t.idf]));
    for (const t of termsOf(parsed.text)) if (!words.has(t)) words.set(t, idf(t));
    lead = bestSentences(e.body, words, limits.lead);
  }
  return {
    entry: refOf(e),
    headline,
    lead,
    figures: fact
      ? fact.values.map((v) => ({
          text: v.text,
          value: v.value,
          unit: v.unit,
          ...(v.label ? { label: v.label } : {}),
        }))
      : [],
    ...(fact ? { period: fact.period, status: fact.status } : {}),
    ...(e.speaker ? { speaker: e.speaker } : {}),
    citation: e.citation,
    score: round(c.score),
  };
}

/** The sentences of `body` that hold most of the question's weight, with the opening for context. */
function bestSentences(body: string, weights: ReadonlyMap<string, number>, max: number): string {
  // Sentences with the paragraph they stand in: a paragraph break is kept as a line break.
  const sentences = body.split(/\n+/).flatMap((para, p) => sentencesOf(para).map((text) => ({ text, p })));
  if (sentences.length === 0) return '';
  const scores = sentences.map(({ text }) => {
    let sum = 0;
    for (const t of new Set(termsOf(text))) sum += weights.get(t) ?? 0;
    return sum;
  });
  const picked = new Set<number>();
  let bestAt = 0;
  scores.forEach((s, i) => {
    if (s > (scores[bestAt] ?? 0)) bestAt = i;
  });
  let used = 0;
  const take = (i: number) => {
    const s = sentences[i]?.text ?? '';
    if (picked.has(i) || used + s.length > max) return false;
    picked.add(i);
    used += s.length;
    return true;
  };
  if (!take(bestAt)) return truncateAtBoundary(sentences[bestAt]?.text ?? '', max);
  // Then the opening sentences, which state the answer's thesis, while they fit.
  for (let i = 0; i < sentences.length && i < bestAt; i++) if (!take(i)) break;
  for (let i = bestAt + 1; i < sentences.length; i++) if (!take(i)) break;
  const order = [...picked].sort((a, b) => a - b);
  let out = '';
  order.forEach((i, k) => {
    const prev = order[k - 1];
    if (k > 0 && prev !== undefined && i !== prev + 1) out += '……';
    else if (k > 0 && prev !== undefined && sentences[i]?.p !== sentences[prev]?.p) out += '\n';
    out += sentences[i]?.text ?? '';
  });
  if ((order.at(-1) ?? 0) < sentences.length - 1) out += '……';
  return out;
}

/** Whether the figure a yes/no question asks about (是不是161个) is the printed one. */
export function checkFigure(check: NonNullable<ParsedQuestion['check']>, entry: Entry | undefined) {
  const fact = entry?.fact;
  if (!fact) return undefined;
  const scale = check.unit.startsWith('亿') ? 1e8 : check.unit.startsWith('万') ? 1e4 : 1;
  const asked = Number(check.number) * scale;
  const exact = (v: { value: number; text: string }) =>
    v.value === asked || v.value === Number(check.number) || v.text.startsWith(trimNumber(check.number));
  const fits = (v: { value: number; text: string }) => {
    switch (check.qualifier) {
      case 'more':
        return v.value >= asked && v.value < asked * 1.5;
      case 'less':
        return v.value < asked && v.value >= asked * 0.5;
      case 'about':
        return Math.abs(v.value - asked) <= asked * 0.1;
      default:
        return exact(v);
    }
  };
  const correct = fact.values.some(fits);
  return { asked: check.text, correct, ...(check.qualifier && correct ? { approximate: true } : {}) };
}

/** 名 and 人 both count people; a figure's unit for comparing. */
function unitClass(unit: string): string {
  return unit === '名' ? '人' : unit;
}

/**
 * Which of two facts is larger, stated only when they are comparable: the same unit, both results
 * or both targets, of the same period. Otherwise, why they are not directly comparable.
 */
export function compare(a: Entry | undefined, b: Entry | undefined): string | undefined {
  const fa = a?.fact;
  const fb = b?.fact;
  if (!a || !b || !fa || !fb) return undefined;
  // The pair of values with a common unit (6199人 and 2847名), if there is one.
  let va = fa.values[0];
  let vb = fb.values[0];
  outer: for (const x of fa.values) {
    for (const y of fb.values) {
      if (unitClass(x.unit) === unitClass(y.unit)) {
        va = x;
        vb = y;
        break outer;
      }
    }
  }
  if (!va || !vb) return undefined;
  const status = (f: typeof fa) => (f.status === 'target' ? '计划目标' : '已完成的数字');
  const reasons: string[] = [];
  if (unitClass(va.unit) !== unitClass(vb.unit)) reasons.push(`单位不同（${va.text} 与 ${vb.text}）`);
  if (fa.status !== fb.status) reasons.push(`一个是${status(fa)}，一个是${status(fb)}`);
  if (fa.period !== fb.period) reasons.push(`时期不同（${fa.period} 与 ${fb.period}）`);
  if (reasons.length > 0) return `两个数字不能直接比较：${reasons.join('；')}。`;
  const basis = fa.indicator === fb.indicator ? '' : `（口径：${fa.indicator} / ${fb.indicator}）`;
  if (va.value === vb.value) return `${a.region?.name}和${b.region?.name}的数字相同（${va.text}）${basis}。`;
  const [hi, lo, hv, lv] = va.value > vb.value ? [a, b, va, vb] : [b, a, vb, va];
  return `${hi.region?.name}（${hv.text}）多于${lo.region?.name}（${lv.text}）${basis}。`;
}

/** Rounds a score for display (three decimals). */
export function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
