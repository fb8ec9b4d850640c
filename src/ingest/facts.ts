/**
 * Drafting indicator facts from a stretch of text: one fact per figure-bearing clause, its quote the
 * clause around the figure cut at clause boundaries (verbatim), with values, unit, period, status and
 * region where the text says them. The drafts are a maintainer's starting point, not final knowledge:
 * what the text does not say is marked, never made up.
 */
import { parseChineseNumber } from '../engine/normalize.js';
import { findFigures, type PrintedFigure } from '../knowledge/figures.js';
import type { FactOrigin, FigureValue } from '../knowledge/schema.js';
import type { Span } from './layout.js';

/** Where a stretch of text to draft facts from sits, and what it implies when the text is silent. */
export interface FactSource {
  readonly from: FactOrigin;
  readonly span: Span;
  /** The region of the surrounding entry (the interview's, the story's); undefined for the intro. */
  readonly region?: string;
  readonly speaker?: string;
  /** The period and status the entry implies (a question about next year), used when the clause is silent. */
  readonly period?: string;
  readonly status?: 'actual' | 'target';
  /** Why `period` applies: shown to the maintainer when a fact's period comes from it. */
  readonly periodBasis?: string;
}

/** What the drafter knows about the article around the text. */
export interface FactContext {
  readonly text: string;
  /** The year of the article's date, for 今年 / 去年. */
  readonly year?: number;
  /** The region ids a text names (names, aliases, 全旗 …), in order of first mention. */
  readonly regionsIn: (text: string) => readonly string[];
  /** The publication's home region (内蒙古自治区): named in passing everywhere, it never overrides a region. */
  readonly home?: string;
}

/** A drafted fact, before it gets an id. */
export interface DraftFact {
  readonly quote: string;
  readonly span: Span;
  readonly values: FigureValue[];
  readonly indicator: string;
  readonly period: string;
  readonly status: 'actual' | 'target';
  readonly region?: string;
  readonly from: FactOrigin;
  readonly speaker?: string;
  /** The figure clauses the quote is built around (without the context clauses). */
  readonly clauses: readonly string[];
  /** What the maintainer should check about this draft. */
  readonly checks: string[];
}

// Boundaries: a sentence ends at 。！？： and at a paragraph break; a clause at ，；.
const SENTENCE_END = /[。！？!?：:\n]/;
const CLAUSE_END = /[，；,;]/;
const OPEN = '（(“‘《「';
const CLOSE = '）)”’》」';
/** A clause that only says when: 2016年，/ 截至2015年底，/ 十二五期间， */
const TIME_ONLY =
  /^(?:截至|截止|到|在)?(?:\d{4}年(?:底|末|初|以来|上半年|下半年|全年)?|十[一二三四五]五(?:期间|时期|以来)?|近年来|去年|今年)$/;
/** A clause that leans on the one before it: 占…, 同比…, 惠及…, 加上…, 以及… */
const DEPENDENT = /^(?:占|其中|同比|比上年|较|相当于|惠及|加上|达到|合计|共计|总计|以及|并且|均)/;
/** A figure clause this short (全县辖5镇4乡) reads as the start of a list that goes on in the next one. */
const SHORT_CLAUSE = 8;
/** How much context a quote takes in from the clauses before and after its figures. */
const CONTEXT_BEFORE = 40;
const CONTEXT_AFTER = 40;
const MAX_AFTER_CLAUSES = 2;
/** A clause that leads into the next one: 更让他高兴的是，/ 在镇村的帮助下， */
const LEAD_IN = /(?:的是|之中|帮助下|情况下|前提下|基础上|过程中|期间|以来|之后|之前|时)$/;
const TARGET = /计划|力争|确保|目标|年内|争取|预计|将要|拟|要(?:实现|完成|达到)|将(?!近)/;

// Units printed after a figure, longest first; scaled ones are stored in their base unit (16.8亿元 → 元).
const UNITS: readonly (readonly [string, string, number])[] = (
  [
    ['万平方公里', '平方公里', 1e4],
    ['平方公里', '平方公里', 1],
    ['万平方米', '平方米', 1e4],
    ['平方米', '平方米', 1],
    ['个百分点', '个百分点', 1],
    ['亿元', '元', 1e8],
    ['万元', '元', 1e4],
    ['元', '元', 1],
    ['万人次', '人次', 1e4],
    ['人次', '人次', 1],
    ['万人', '人', 1e4],
    ['万公里', '公里', 1e4],
    ['万户', '户', 1e4],
    ['万亩', '亩', 1e4],
    ['万吨', '吨', 1e4],
    ['公里', '公里', 1],
    ['苏木', '苏木', 1],
    ...[...'%人户名个套所只头间项座亩吨台辆家次条处镇乡村岁倍眼'].map((u) => [u, u, 1] as const),
  ] as const
)
  .slice()
  .sort((a, b) => b[0].length - a[0].length);

interface Clause {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly figures: readonly PrintedFigure[];
  readonly kind: 'figure' | 'time' | 'plain';
}

/** Drafts the facts of one stretch of text. */
export function draftFacts(source: FactSource, ctx: FactContext): DraftFact[] {
  const out: DraftFact[] = [];
  const paragraphs = cut(ctx.text, source.span, /\n/, false);
  for (const sentence of sentencesIn(ctx.text, source.span)) {
    const clauses = clausesIn(ctx.text, sentence);
    const paragraph = paragraphs.find((p) => p.start <= sentence.start && sentence.end <= p.end) ?? sentence;
    for (const unit of unitsOf(clauses)) {
      const fact = draftOne(unit, clauses, sentence, paragraph, source, ctx);
      if (fact) out.push(fact);
    }
  }
  return out;
}

/** The sentences of a span: cut at 。！？： and paragraph breaks. */
function sentencesIn(text: string, span: Span): Span[] {
  return cut(text, span, SENTENCE_END, false);
}

function clausesIn(text: string, sentence: Span): Clause[] {
  return cut(text, sentence, CLAUSE_END, true).map((s) => {
    const t = text.slice(s.start, s.end);
    const figures = findFigures(t).map((f) => ({ ...f, index: f.index + s.start }));
    const kind = TIME_ONLY.test(t) ? 'time' : figures.length > 0 ? 'figure' : 'plain';
    return { ...s, text: t, figures, kind };
  });
}

/** Cuts a span at a boundary; with `nested`, not inside brackets or quotation marks. */
function cut(text: string, span: Span, boundary: RegExp, nested: boolean): Span[] {
  const out: Span[] = [];
  let depth = 0;
  let from = span.start;
  const push = (end: number) => {
    let s = from;
    let e = end;
    while (s < e && /\s/.test(text[s] ?? '')) s++;
    while (e > s && /\s/.test(text[e - 1] ?? '')) e--;
    if (e > s) out.push({ start: s, end: e });
  };
  for (let i = span.start; i < span.end; i++) {
    const c = text[i] ?? '';
    if (nested && OPEN.includes(c)) depth++;
    else if (nested && CLOSE.includes(c)) depth = Math.max(0, depth - 1);
    else if (depth === 0 && boundary.test(c)) {
      push(i);
      from = i + 1;
    }
  }
  push(span.end);
  return out;
}

/**
 * Groups the clauses of a sentence into fact units: the figure clauses (with the clauses that lean
 * on them), each widened by the context clauses around it. Units may share context clauses.
 */
function unitsOf(clauses: readonly Clause[]): { first: number; last: number; core: [number, number] }[] {
  const cores: [number, number][] = [];
  clauses.forEach((c, i) => {
    if (c.kind !== 'figure') return;
    const prev = cores[cores.length - 1];
    if (prev) {
      const [pFirst, pLast] = prev;
      const adjacent = pLast === i - 1;
      const prevClause = clauses[pLast];
      const sameFigure = prevClause && adjacent && sharesValue(prevClause, c);
      const shortList = adjacent && pFirst === pLast && (prevClause?.text.length ?? 99) <= SHORT_CLAUSE;
      if (DEPENDENT.test(c.text) || sameFigure || shortList) {
        prev[1] = i;
        return;
      }
    }
    cores.push([i, i]);
  });
  return cores.map(([first, last], n) => {
    const lowest = n > 0 ? (cores[n - 1]?.[1] ?? -1) + 1 : 0;
    const highest = n + 1 < cores.length ? (cores[n + 1]?.[0] ?? clauses.length) - 1 : clauses.length - 1;
    let start = first;
    let added = 0;
    while (start - 1 >= lowest) {
      const c = clauses[start - 1];
      if (!c || added + c.text.length + 1 > CONTEXT_BEFORE) break;
      added += c.text.length + 1;
      start--;
    }
    let end = last;
    added = 0;
    // Up to the sentence's end, what follows is the figure's result (，超额完成了年度脱贫任务); before the
    // next figure clause, only one clause, and no lead-in (更让他高兴的是，) that belongs to what follows.
    const maxAfter = highest === clauses.length - 1 ? MAX_AFTER_CLAUSES : 1;
    while (end + 1 <= highest && end - last < maxAfter) {
      const c = clauses[end + 1];
      if (!c || c.kind === 'time' || LEAD_IN.test(c.text) || added + c.text.length + 1 > CONTEXT_AFTER) break;
      added += c.text.length + 1;
      end++;
    }
    return { first: start, last: end, core: [first, last] };
  });
}

/** Two figure clauses that print the same number (三省区 … 闻三省) say one thing twice. */
function sharesValue(a: Clause, b: Clause): boolean {
  const values = (c: Clause) =>
    new Set(c.figures.filter((f) => f.kind !== 'year').map((f) => figureNumber(f)));
  const av = values(a);
  return [...values(b)].some((v) => v !== undefined && av.has(v));
}

function draftOne(
  unit: { first: number; last: number; core: [number, number] },
  clauses: readonly Clause[],
  sentence: Span,
  paragraph: Span,
  source: FactSource,
  ctx: FactContext,
): DraftFact | undefined {
  const { text } = ctx;
  const first = clauses[unit.first];
  const last = clauses[unit.last];
  if (!first || !last) return undefined;
  const span = { start: first.start, end: last.end };
  const quote = text.slice(span.start, span.end);
  const core = clauses.slice(unit.core[0], unit.core[1] + 1);
  const figures = core.flatMap((c) => c.figures);
  const counted = figures.some((f) => f.kind !== 'year') ? figures.filter((f) => f.kind !== 'year') : figures;
  const values = valuesOf(text, counted);
  if (values.length === 0) return undefined;
  const checks: string[] = [];

  const sentenceText = text.slice(sentence.start, sentence.end);
  const period = periodOf(quote, sentenceText, ctx.year) ?? source.period;
  if (!periodOf(quote, sentenceText, ctx.year) && source.periodBasis)
    checks.push(`period ${source.periodBasis}`);
  const status: 'actual' | 'target' = TARGET.test(quote) ? 'target' : (source.status ?? 'actual');

  let region = source.region;
  const named = [...new Set(ctx.regionsIn(quote))];
  const inSentence = [...new Set(ctx.regionsIn(sentenceText))];
  const inParagraph = [...new Set(ctx.regionsIn(text.slice(paragraph.start, paragraph.end)))];
  if (source.region === undefined) {
    // No surrounding region (the intro): the clause, its sentence or its paragraph must name one, and only one.
    const candidates = named.length > 0 ? named : inSentence.length > 0 ? inSentence : inParagraph;
    if (candidates.length === 1) region = candidates[0];
    else if (candidates.length > 1) checks.push(`names several regions (${candidates.join(', ')})`);
  } else if (named.length === 1 && named[0] !== source.region && named[0] !== ctx.home) {
    region = named[0];
    checks.push(`region from the clause (${named[0]}), not the surrounding ${source.from.kind}`);
  }

  return {
    quote,
    span,
    values,
    indicator: indicatorOf(text, core, counted[0]) ?? quote.slice(0, 12),
    period: period ?? '未注明',
    status,
    ...(region ? { region } : {}),
    from: source.from,
    ...(source.speaker ? { speaker: source.speaker } : {}),
    clauses: core.map((c) => c.text),
    checks: period ? checks : [...checks, 'no period printed: set period'],
  };
}

/** The values of figures as printed: 16.8亿元 → { text: 16.8亿元, value: 1680000000, unit: 元 }. */
export function valuesOf(text: string, figures: readonly PrintedFigure[]): FigureValue[] {
  const out: FigureValue[] = [];
  for (let i = 0; i < figures.length; i++) {
    const f = figures[i];
    if (!f) continue;
    if (f.kind === 'chinese-count') {
      const numeral = f.text.slice(0, -1);
      const measure = f.text.slice(-1);
      const value = parseChineseNumber(numeral);
      if (value !== undefined) out.push({ text: f.text, value, unit: measure === '大' ? '个' : measure });
      continue;
    }
    const after = f.index + f.text.length;
    const unit = UNITS.find(([printed]) => text.startsWith(printed, after));
    const [printed = '', base = f.kind === 'year' ? '年' : '', scale = 1] = unit ?? [];
    const value = scaled(f.text, scale);
    let end = after + printed.length;
    if (f.kind === 'year' && text[after] === '年') end = after + 1;
    // A range: 3000元至8000元.
    const next = figures[i + 1];
    const joiner = next ? text.slice(end, next.index) : '';
    if (next && next.kind === f.kind && /^(?:至|到|-|－|~|～)$/.test(joiner)) {
      const nextAfter = next.index + next.text.length;
      const nextUnit = UNITS.find(([p]) => text.startsWith(p, nextAfter));
      if ((nextUnit?.[0] ?? '') === printed || !printed) {
        const [p2 = '', , s2 = 1] = nextUnit ?? [];
        out.push({
          text: text.slice(f.index, nextAfter + p2.length),
          value,
          upTo: scaled(next.text, s2),
          unit: base,
        });
        i++;
        continue;
      }
    }
    out.push({ text: text.slice(f.index, end), value, unit: base });
  }
  return out;
}

/** "16.8" × 1e8 as the exact decimal (not 1680000000.0000002). */
function scaled(digits: string, scale: number): number {
  return Number(`${digits}e${Math.round(Math.log10(scale))}`);
}

function figureNumber(f: PrintedFigure): number | undefined {
  return f.kind === 'chinese-count' ? parseChineseNumber(f.text.slice(0, -1)) : Number(f.text);
}

/** The period a clause or its sentence prints: 截至2015年底, 十二五, 2016, 累计, or 今年/去年 from the date. */
export function periodOf(quote: string, sentence: string, year?: number): string | undefined {
  for (const t of [quote, sentence]) {
    const until = /截至(\d{4})年底/.exec(t);
    if (until) return `截至${until[1]}年底`;
    const plan = /(十[一二三四五]五)(?:期间|时期|以来)/.exec(t);
    if (plan?.[1]) return plan[1];
    const y = /(?<![\d《])((?:19|20)\d\d)年(?!代)/.exec(t);
    if (y?.[1]) return y[1];
    if (t === quote && /累计/.test(t)) return '累计';
    if (year !== undefined) {
      if (/去年|上年|过去一年|过去的一年/.test(t)) return String(year - 1);
      if (/今年|年内|新年伊始|本年度/.test(t)) return String(year);
    }
  }
  return undefined;
}

const LEAD_WORDS =
  /^(?:全旗|全县|全市|全区|全盟|我旗|我县|我市|我区|该旗|该县|全年|累计|去年|今年|年内|共|共计|已|先后|分别|同时|其中|为|对|向|给|在|(?:\d{4}年)|完成了?|实现了?|投资|发放了?|落实了?|建成了?|撬动|整合|实施了?|确保|力争|计划|完善了?|达到|达)+/;
const TRAIL_WORDS = /(?:分别|均|达到|达|为|约|共|有|的|了|是|超过|以上)+$/;

/**
 * A draft indicator name: the words printed before the first figure, less the region, time and verb
 * words around them (民生事业支出 from 我县全年民生事业支出16.8亿元); the words after it where nothing stands
 * before (贫困人口建档立卡 from 为16363名贫困人口建档立卡). Always a guess, marked as one.
 */
function indicatorOf(
  text: string,
  core: readonly Clause[],
  figure: PrintedFigure | undefined,
): string | undefined {
  if (!figure) return undefined;
  const clause = core.find((c) => figure.index >= c.start && figure.index < c.end);
  if (!clause) return undefined;
  const before = text
    .slice(clause.start, figure.index)
    .replace(/[“”"《》（）()、]/g, '')
    .replace(LEAD_WORDS, '')
    .replace(TRAIL_WORDS, '');
  if (before.length >= 2) return before.slice(-16);
  const after = text
    .slice(figure.index + figure.text.length, clause.end)
    .replace(FIGURE_WITH_UNIT, '')
    .replace(/^[^\u3400-\u9fff]+/, '')
    .replace(UNIT_PREFIX, '')
    .split(/[、（(，]/)[0]
    ?.replace(/[“”"《》]/g, '');
  if (after && after.length >= 2) return after.slice(0, 16);
  const raw = text.slice(clause.start, figure.index).replace(PLACE_AND_TIME, '');
  return raw.length >= 2 ? raw.slice(-16) : undefined;
}

const PLACE_AND_TIME = /^(?:全旗|全县|全市|全区|我旗|我县|我市|我区|该旗|该县|全年|去年|今年|年内|\d{4}年)+/;

const FIGURE_WITH_UNIT = new RegExp(`\\d+(?:\\.\\d+)?(?:${UNITS.map(([u]) => u).join('|')})?`, 'g');
const UNIT_PREFIX = new RegExp(
  `^(?:${UNITS.map(([u]) => u.replace('%', '%'))
    .filter((u) => /[\u3400-\u9fff]/.test(u))
    .join('|')})`,
);
