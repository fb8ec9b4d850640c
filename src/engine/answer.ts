/**
 * The answer engine: question → read → retrieve → rank → decide → compose. Pure: no I/O, no
 * Telegram; the same engine serves the bot, the CLI and the benchmark.
 */
import type { Knowledge } from '../knowledge/load.js';
import type { Region } from '../knowledge/schema.js';
import { checkFigure, compare, composePart, round } from './compose.js';
import { buildEntries, type Entry, refOf } from './entries.js';
import { createHomophoneReader } from './homophones.js';
import { createQuestionReader, type ParsedQuestion } from './query.js';
import { rank } from './rank.js';
import { buildIndex, type Scored, type WeightedTerm } from './retrieve.js';
import { termsOf } from './text.js';
import type { Answer, Answered, AnswerPart, AskContext, EntryRef, NoAnswer } from './types.js';
import { createUnreportedDetector } from './unreported.js';

/** Options of the engine; the defaults are tuned on the project's question sets. */
export interface AnswerEngineOptions {
  /** The bot's username, so that "@Bot 问题" is read as "问题". */
  readonly botUsername?: string;
  /** Longer questions are refused with a message rather than searched. */
  readonly maxQuestionLength?: number;
  /** The least coverage of the question's rare words for an answer (0..1). */
  readonly minCoverage?: number;
  /** Lead length in characters. */
  readonly leadLength?: number;
  /** Told about a bug met while answering (the user gets a decline, not an exception). */
  readonly onError?: (error: unknown, question: string) => void;
}

/** The full text of an entry, for the "完整回答" button and the CLI. */
export interface EntryDetail {
  readonly ref: EntryRef;
  readonly title: string;
  /** The question as the reporter asked it (turns only). */
  readonly asked?: string;
  readonly text: string;
  readonly speaker?: AnswerPart['speaker'];
  readonly citation: AnswerPart['citation'];
}

/** How a question was read, the terms searched and the best candidates with their scores. */
export interface Explanation {
  readonly read: Omit<ParsedQuestion, 'regions'> & { readonly regions: readonly string[] };
  readonly searched: string;
  readonly terms: readonly { readonly term: string; readonly idf: number; readonly known: boolean }[];
  readonly candidates: readonly { readonly id: string; readonly score: number; readonly coverage: number }[];
}

/** Answers questions about the knowledge it was created with. */
export interface AnswerEngine {
  answer(question: string, context?: AskContext): Answer;
  /** How a question was read and what it matched, best first: for maintainers (`npm run ask -- --explain`). */
  explain(question: string): Explanation;
  /** Answers with one entry, as if its example question was asked (buttons, related taps). */
  answerEntry(id: string): Answer | undefined;
  /** The full text of an entry (a turn's whole answer, a story), or undefined for an unknown id. */
  detail(id: string): EntryDetail | undefined;
  /** A reference to an entry by id (for buttons), or undefined. */
  ref(id: string): EntryRef | undefined;
  /** A few example questions, for /start and the empty inline query. */
  examples(): readonly EntryRef[];
  /** What the knowledge holds for a region: its facts' indicators, for "not reported" answers. */
  indicatorsOf(regionId: string): readonly EntryRef[];
  /** The regions known, and the counts of what is known. */
  readonly regions: readonly Region[];
  readonly size: {
    readonly articles: number;
    readonly entries: number;
    readonly facts: number;
    readonly turns: number;
  };
  /** The sources: one citation per article. */
  readonly sources: readonly { readonly id: string; readonly about: string }[];
}

export const DEFAULT_OPTIONS = {
  maxQuestionLength: 500,
  minCoverage: 0.5,
  leadLength: 300,
} as const;

// The words that make a clause a question of its own.
const ASKS = /多少|几|什么|啥|怎么|怎样|如何|哪|谁|吗|么|呢|是否|是不是|有没有/;

/** What the index searches for a question read. */
function searchOf(parsed: ParsedQuestion) {
  return {
    text: parsed.searchText,
    synonyms: parsed.synonyms,
    ...(parsed.bonus ? { bonus: parsed.bonus } : {}),
  };
}

/** Creates an engine over a loaded knowledge base (validated by `loadKnowledge`). */
export function createAnswerEngine(knowledge: Knowledge, options: AnswerEngineOptions = {}): AnswerEngine {
  const opts = { ...DEFAULT_OPTIONS, ...options };
  const limits = { factExcerpt: 80, lead: opts.leadLength };
  const set = buildEntries(knowledge);
  const index = buildIndex(set.entries);
  const people = knowledge.articles.flatMap((a) => a.people);
  const articleYear = Math.max(...knowledge.articles.map((a) => Number(a.source.date.slice(0, 4))));
  // Two-character slips are read only as names and curated phrases: 客旗 → 克旗, 刘正 → 刘政.
  const names = [...set.regions.flatMap((r) => [r.name, ...r.aliases]), ...people.map((p) => p.name)];
  const shortWords = set.entries.flatMap((e) => e.phrases);
  const reader = createQuestionReader({
    regions: set.regions,
    people,
    articleYear,
    readLatin: index.readPinyin,
    readHomophones: createHomophoneReader({
      words: index.vocabulary,
      shortWords,
      names,
      isKnown: index.knows,
    }),
  });
  const facts = set.entries.filter((e) => e.kind === 'fact');
  const sources = set.entries.filter((e) => e.kind === 'source');

  let examples: readonly EntryRef[] = [];
  const unreported = createUnreportedDetector(set.entries);

  const engine: AnswerEngine = {
    regions: set.regions,
    size: {
      articles: knowledge.articles.length,
      entries: set.entries.length,
      facts: facts.length,
      turns: set.entries.filter((e) => e.kind === 'turn').length,
    },
    sources: sources.map((s) => ({ id: s.id, about: s.about ?? '' })),
    examples: () => examples,
    ref: (id) => {
      const e = set.byId.get(id);
      return e ? refOf(e) : undefined;
    },
    detail: (id) => {
      const e = set.byId.get(id);
      if (!e) return undefined;
      return {
        ref: refOf(e),
        title: e.turn ? `${e.region?.name ?? ''} · ${e.turn.topic}` : e.label,
        ...(e.turn ? { asked: `${e.turn.reporter}：${e.turn.question}` } : {}),
        text: e.body,
        ...(e.speaker ? { speaker: e.speaker } : {}),
        citation: e.citation,
      };
    },
    explain: (question) => {
      const parsed = reader.read(question, opts.botUsername);
      const { results, terms, corrected } = index.search(searchOf(parsed));
      return {
        read: { ...parsed, regions: parsed.regions.map((r) => r.name) },
        searched: corrected,
        terms: terms.map((t) => ({ ...t, idf: round(t.idf) })),
        candidates: rank(results, parsed)
          .slice(0, 8)
          .map((r) => ({ id: r.entry.id, score: round(r.score), coverage: round(r.coverage) })),
      };
    },
    answerEntry: (id) => {
      const entry = set.byId.get(id);
      if (!entry) return undefined;
      const q = entry.exampleQuestion;
      return answered(q, reader.read(q), [{ entry, score: 1, coverage: 1 }], [], []);
    },
    indicatorsOf: (regionId) => facts.filter((f) => f.region?.id === regionId).map(refOf),
    answer: (question, context) => {
      try {
        return answerSeveral(question, context) ?? answerOne(question, context);
      } catch (error) {
        // A bug in the engine must not take a user's question down with it; it is reported.
        opts.onError?.(error, String(question));
        return none(String(question ?? ''), 'off-topic', []);
      }
    },
  };

  function none(
    question: string,
    reason: NoAnswer['reason'],
    suggestions: readonly EntryRef[],
    extra: Partial<NoAnswer> = {},
  ): NoAnswer {
    return { kind: 'none', question, reason, suggestions, confidence: 0, ...extra };
  }

  /**
   * Two questions in one message ("截至2015年底克旗仍有多少个贫困嘎查村，2017年计划销号多少个？"): each
   * asking clause that says enough by itself is answered on its own (with the message's region), and
   * the answers are put side by side. Undefined when the message is one question.
   */
  function answerSeveral(question: string, context?: AskContext): Answer | undefined {
    if (typeof question !== 'string' || question.length > opts.maxQuestionLength) return undefined;
    const clauses = question.split(/[，,。？?；;！!\n]+/).filter((c) => c.trim());
    if (clauses.length < 2) return undefined;
    const whole = reader.read(question, opts.botUsername);
    const asking = clauses
      .map((c) => ({ c, read: reader.read(c, opts.botUsername) }))
      .filter(({ read }) => ASKS.test(read.text) && read.searchText.replace(/\s/g, '').length >= 3);
    if (asking.length < 2) return undefined;
    const region = whole.regions[0];
    const answers = asking
      .slice(0, 3)
      .map(({ c, read }) =>
        answerOne(read.regions.length > 0 || !region ? c : `${region.name}${c}`, context),
      );
    if (!answers.every((a): a is Answered => a.kind === 'answered')) return undefined;
    const parts = answers
      .flatMap((a) => a.parts)
      .filter((p, i, all) => all.findIndex((x) => x.entry.id === p.entry.id) === i);
    if (parts.length < 2) return undefined;
    const ids = new Set(parts.map((p) => p.entry.id));
    return {
      kind: 'answered',
      question,
      parts,
      related: answers
        .flatMap((a) => a.related)
        .filter((r, i, all) => !ids.has(r.id) && all.findIndex((x) => x.id === r.id) === i)
        .slice(0, 4),
      confidence: Math.min(...answers.map((a) => a.confidence)),
    };
  }

  function answerOne(question: string, context?: AskContext): Answer {
    const q = typeof question === 'string' ? question : '';
    if (!q.trim()) return none(q, 'empty', examples);
    if (q.length > opts.maxQuestionLength) return none(q, 'too-long', examples);

    let parsed = reader.read(q, opts.botUsername);
    parsed = followUp(parsed, context);
    const { results, terms } = index.search(searchOf(parsed));

    if (parsed.smallTalk) return none(q, parsed.smallTalk, examples);
    if (terms.length === 0 && parsed.regions.length === 0) {
      return none(q, 'off-topic', examples);
    }

    // A region named and nothing else: its overview.
    if (terms.length === 0 && parsed.regions.length > 0) {
      const region = parsed.regions[0] as Region;
      const overview = set.entries.find((e) => e.kind === 'background' && e.region?.id === region.id);
      if (overview) return answered(q, parsed, [{ entry: overview, score: 1, coverage: 1 }], terms, results);
    }

    const ranked = rank(results, parsed);
    // The best ranked may hold too little of the question while a close second holds enough of it.
    const top = ranked[0];
    const fuller =
      top && top.coverage < opts.minCoverage
        ? ranked.slice(1, 5).find((r) => r.coverage >= opts.minCoverage && r.score >= top.score * 0.5)
        : undefined;
    const best = fuller ?? top;
    if (fuller) {
      ranked.splice(ranked.indexOf(fuller), 1);
      ranked.unshift(fuller);
    }
    const region = parsed.regions[0];

    // Another place (云南, 北京) and none of ours: the article reports nothing about it, unless the
    // entry found names that place itself (北京西城区 in a 兴和县 answer).
    // For a figure, the place must be what the fact is about (its indicator), not a word of its quote:
    // 赤峰市的贫困人口 is not reported, though 赤峰市 stands in a 克什克腾旗 quote.
    if (parsed.otherPlaces.length > 0 && parsed.regions.length === 0) {
      const text = !best
        ? ''
        : parsed.intent === 'figure'
          ? (best.entry.fact?.indicator ?? '')
          : best.entry.fields.map((f) => f.text).join(' ');
      if (!parsed.otherPlaces.every((p) => text.includes(p))) {
        return none(q, 'off-topic', examples, best ? { best: { id: best.entry.id, score: best.score } } : {});
      }
    }

    // A figure the article does not report (GDP, 总人口, 房价 …) is declined on the indicator asked,
    // whatever the scores say: the nearest figure of another indicator would be a wrong answer.
    const asked = unreported.detect(
      parsed.text,
      parsed.regions.map((r) => r.id),
    );
    if (asked) {
      // Without a region of ours, "天气怎么样" is simply not what the bot knows about.
      if (parsed.regions.length === 0) return none(q, 'off-topic', examples);
      return notReported(q, parsed, asked, best);
    }

    // A region named, and the best match is another region's: the article reports it only there.
    const named = parsed.regions.filter((r) => r.level !== '自治区');
    const bestRegion = best?.entry.region;
    if (
      best &&
      named.length > 0 &&
      bestRegion &&
      !named.some((r) => r.id === bestRegion.id) &&
      best.coverage >= opts.minCoverage
    ) {
      return notReported(q, parsed, best.entry.label, best, refOf(best.entry));
    }

    // "叫什么名字" asks for a person: a turn that mentions a role (旗长) does not name anyone.
    if (best && parsed.nameAsked && best.entry.kind !== 'person' && best.entry.kind !== 'interview') {
      return none(q, 'off-topic', examples, {
        best: { id: best.entry.id, score: best.score },
        confidence: best.coverage,
      });
    }

    if (!best || best.coverage < opts.minCoverage) {
      // A figure asked of a region: the article does not report it. Anything else: not what it covers.
      if (region && region.level !== '自治区' && parsed.intent === 'figure') {
        return notReported(q, parsed, undefined, best);
      }
      return none(
        q,
        'off-topic',
        examples,
        best ? { best: { id: best.entry.id, score: best.score }, confidence: best.coverage } : {},
      );
    }

    // A plan asked in so many words and only a result printed (or the reverse): the article does not
    // report what was asked; the figure it does report is offered, never given as the answer.
    if (parsed.strictPeriod && best.entry.fact && best.entry.fact.status !== parsed.strictPeriod) {
      const other = counterpart(best.entry);
      if (!other) return notReported(q, parsed, periodAsked(parsed, best.entry), best, refOf(best.entry));
      return answered(
        q,
        parsed,
        [{ entry: other, score: best.score, coverage: best.coverage }],
        terms,
        ranked,
      );
    }

    // 去年……今年……: the result and the plan of the same indicator, side by side.
    if (parsed.period === 'both' && best.entry.fact) {
      const other = counterpart(best.entry);
      if (other) {
        const pair = [best, { entry: other, score: best.score, coverage: best.coverage }];
        pair.sort(
          (a, b) =>
            (a.entry.fact?.status === 'actual' ? -1 : 1) - (b.entry.fact?.status === 'actual' ? -1 : 1),
        );
        return answered(q, parsed, pair, terms, ranked);
      }
    }

    // Both regions: named together (a comparison), or neither named and both fit.
    const pair = pairAcrossRegions(ranked, parsed);
    if (pair) {
      if (
        parsed.intent === 'figure' ||
        parsed.intent === 'who' ||
        parsed.comparison ||
        pair.every((p) => p.entry.kind === 'fact')
      ) {
        return answered(q, parsed, pair, terms, ranked);
      }
      return {
        kind: 'ambiguous',
        question: q,
        prompt: `两个地方都谈到了这个问题：${pair.map((p) => p.entry.region?.name).join('和')}。您想看哪一个？`,
        options: pair.map((p) => refOf(p.entry)),
        confidence: best.coverage,
        best: { id: best.entry.id, score: best.score },
      };
    }
    return answered(q, parsed, [best], terms, ranked);
  }

  /** "那兴和县呢？" after a question about 克什克腾旗: the same question, of the other region. */
  function followUp(parsed: ParsedQuestion, context?: AskContext): ParsedQuestion {
    const prev = context?.previous;
    if (!prev || parsed.regions.length === 0) return parsed;
    const rest = parsed.searchText.replace(/那么?|还有|呢|的|怎么样|又|情况/g, '').trim();
    if (rest.length > 0) return parsed;
    const previous = reader.read(prev.question, opts.botUsername);
    if (!previous.searchText) return parsed;
    return {
      ...previous,
      regions: parsed.regions,
      explicitRegions: parsed.explicitRegions,
      text: `${parsed.regions[0]?.name ?? ''}${previous.searchText}`,
      followUpOf: prev.question,
    };
  }

  /**
   * The best entry of each of two regions, when the question names both, or names neither and fits
   * both about equally (脱贫了多少人). The same kind of entry is preferred for the second region.
   */
  function pairAcrossRegions(ranked: readonly Scored[], parsed: ParsedQuestion): Scored[] | undefined {
    const best = ranked[0];
    if (!best?.entry.region || best.entry.region.level === '自治区') return undefined;
    const named = parsed.regions.filter((r) => r.level !== '自治区');
    // A who question naming people (边中悦和刘政，谁……) asks which one, not both.
    if (parsed.intent === 'who' && !parsed.comparison && named.length > 0) return undefined;
    if (named.length === 1) return undefined;
    const wanted = parsed.explicitRegions >= 2 ? new Set(named.map((r) => r.id)) : undefined;
    const regionIds = [...new Set(ranked.map((r) => r.entry.region?.id).filter((id): id is string => !!id))];
    for (const id of regionIds) {
      if (id === best.entry.region.id || (wanted && !wanted.has(id))) continue;
      const ofRegion = ranked.filter((r) => r.entry.region?.id === id && r.entry.region.level !== '自治区');
      const sameKind = ofRegion.find((r) => r.entry.kind === best.entry.kind);
      const top = ofRegion[0];
      // Named regions: each region's best answer, of the same kind where that is nearly as good.
      const other = wanted
        ? sameKind && top && sameKind.score >= top.score * 0.7
          ? sameKind
          : top
        : sameKind;
      if (!other) continue;
      if (wanted || parsed.comparison) {
        // In the order the question named them (克旗和兴和 → 克旗 first).
        const order = (r: Scored) => parsed.regions.findIndex((x) => x.id === r.entry.region?.id);
        if (other.coverage >= opts.minCoverage * 0.8)
          return [best, other].sort((a, b) => order(a) - order(b));
        continue;
      }
      // Neither named: both must fit about equally well.
      if (
        other.coverage >= Math.max(opts.minCoverage, best.coverage * 0.85) &&
        other.score >= best.score * 0.4
      ) {
        return [best, other];
      }
    }
    return undefined;
  }

  /** "2017年计划的金融扶贫贷款": the indicator with the period asked, for a not-reported answer. */
  function periodAsked(parsed: ParsedQuestion, entry: Entry): string {
    const what = entry.fact?.indicator.replace(/^\d{4}年(计划)?/, '') ?? entry.label;
    const when = parsed.year ? `${parsed.year}年` : '';
    return parsed.strictPeriod === 'target' ? `${when}计划的${what}` : `${when}已完成的${what}`;
  }

  function notReported(
    q: string,
    parsed: ParsedQuestion,
    asked: string | undefined,
    best: Scored | undefined,
    elsewhere?: EntryRef,
  ): NoAnswer {
    const region = parsed.regions.find((r) => r.level !== '自治区') ?? parsed.regions[0];
    const suggestions = region ? engine.indicatorsOf(region.id).slice(0, 8) : examples;
    return none(q, 'not-reported', suggestions, {
      ...(region ? { regionName: region.name } : {}),
      ...(asked ? { asked } : {}),
      ...(elsewhere ? { elsewhere } : {}),
      ...(best ? { best: { id: best.entry.id, score: best.score }, confidence: best.coverage } : {}),
    });
  }

  function answered(
    q: string,
    parsed: ParsedQuestion,
    chosen: readonly Scored[],
    terms: readonly WeightedTerm[],
    ranked: readonly Scored[],
  ): Answer {
    const parts = chosen.map((c) => composePart(c, parsed, terms, index.idf, limits));
    const first = chosen[0] as Scored;
    const check = parsed.check ? checkFigure(parsed.check, chosen[0]?.entry) : undefined;
    const comparison =
      chosen.length === 2 && parsed.comparison ? compare(chosen[0]?.entry, chosen[1]?.entry) : undefined;
    return {
      kind: 'answered',
      question: q,
      parts,
      ...(comparison ? { comparison } : {}),
      ...(check ? { check } : {}),
      related: relatedOf(
        chosen.map((c) => c.entry),
        ranked,
      ),
      confidence: first.coverage,
      ...(parsed.followUpOf ? { followUpOf: parsed.followUpOf } : {}),
    };
  }

  function relatedOf(chosen: readonly Entry[], ranked: readonly Scored[]): EntryRef[] {
    const ids = new Set(chosen.map((e) => e.id));
    const out: EntryRef[] = [];
    const add = (e: Entry | undefined) => {
      if (e && !ids.has(e.id) && out.length < 4) {
        ids.add(e.id);
        out.push(refOf(e));
      }
    };
    for (const e of chosen)
      for (const id of e.relatedIds) if (set.byId.get(id)?.kind === 'turn') add(set.byId.get(id));
    for (const e of chosen) if (e.fact) add(counterpart(e));
    const top = ranked[0]?.score ?? 0;
    for (const r of ranked.slice(0, 6)) if (r.score >= top * 0.4) add(r.entry);
    return out;
  }

  /** The plan next to a result, or the result next to a plan, of the same region and indicator. */
  function counterpart(e: Entry): Entry | undefined {
    const fact = e.fact;
    if (!fact) return undefined;
    const words = new Set(termsOf(fact.indicator.replace(/\d{4}年|计划|目标/g, '')));
    let best: Entry | undefined;
    let bestShared = 0;
    for (const f of facts) {
      if (f.region?.id !== e.region?.id || !f.fact || f.fact.status === fact.status) continue;
      const shared = termsOf(f.fact.indicator).filter((t) => words.has(t)).length;
      if (shared > bestShared && shared >= Math.min(2, words.size)) {
        best = f;
        bestShared = shared;
      }
    }
    return best;
  }

  examples = pickExamples(set.entries, knowledge, engine);
  return engine;
}

/**
 * Example questions: the editors' picks of each article (those the engine answers), else the first
 * turn of each interview and two facts of its summary.
 */
function pickExamples(entries: readonly Entry[], knowledge: Knowledge, engine: AnswerEngine): EntryRef[] {
  const out: EntryRef[] = [];
  for (const a of knowledge.articles) {
    for (const question of a.examples) {
      const answer = engine.answer(question);
      const entry = answer.kind === 'answered' ? answer.parts[0]?.entry : undefined;
      if (entry) out.push({ ...entry, question });
    }
    if (a.examples.length > 0) continue;
    for (const iv of a.interviews) {
      const turn = entries.find((e) => e.id === iv.turns[0]?.id);
      const summaryFacts = entries.filter(
        (e) => e.fact && e.region?.id === iv.region && iv.summary.includes(e.fact.quote),
      );
      if (turn) out.push(refOf(turn));
      for (const f of summaryFacts.slice(0, 2)) out.push(refOf(f));
    }
  }
  return out.slice(0, 6);
}
