/**
 * What the answer engine returns. Renderers (Telegram HTML, plain text) and the bot only read these
 * shapes; they never look into the knowledge themselves.
 */

/** The kinds of entry a question can be answered from. */
export type EntryKind = 'fact' | 'turn' | 'interview' | 'story' | 'background' | 'person' | 'source';

/** Where something was printed: 《内蒙古日报》2017年2月23日 第5版, and the interview's headline. */
export interface Citation {
  readonly sourceId: string;
  readonly publication: string;
  /** YYYY-MM-DD. */
  readonly date: string;
  readonly page: number;
  readonly title: string;
  /** The interview's headline where the entry belongs to an interview. */
  readonly headline?: string;
  /** The section it stands in: 核心提示, 对话, 百姓声音, 背景链接, 报头. */
  readonly section: string;
}

/** Who said it: the official for interview answers, the author for stories, the newspaper otherwise. */
export interface Speaker {
  readonly name: string;
  readonly role: string;
  readonly regionName?: string;
}

/** A short pointer to an entry: for buttons, related questions and suggestions. */
export interface EntryRef {
  readonly id: string;
  readonly kind: EntryKind;
  /** A short label: the indicator, the turn's topic, the story's title. */
  readonly label: string;
  /** A question a user could ask to get this entry (for example buttons). */
  readonly question: string;
  readonly regionId?: string;
  readonly regionName?: string;
}

/** One figure of a fact, as printed. */
export interface AnswerFigure {
  readonly text: string;
  readonly value: number;
  readonly unit: string;
  readonly label?: string;
}

/** One answered entry: the lead (what was asked, first), with who said it and where. */
export interface AnswerPart {
  readonly entry: EntryRef;
  /** A one-line heading: "兴和县 · 城镇化率 48%", or the turn's topic. */
  readonly headline: string;
  /** The sentence(s) that answer the question, verbatim from the article (≤ about 300 characters). */
  readonly lead: string;
  readonly figures: readonly AnswerFigure[];
  /** Period and status of a fact: 2016, actual | 2017, target. */
  readonly period?: string;
  readonly status?: 'actual' | 'target';
  readonly speaker?: Speaker;
  readonly citation: Citation;
  /** The retrieval score of the entry (higher is better). */
  readonly score: number;
}

/** A question answered from one entry, or from one entry per region. */
export interface Answered {
  readonly kind: 'answered';
  readonly question: string;
  readonly parts: readonly AnswerPart[];
  /** Set when two figures were compared: which is larger, or why they are not comparable. */
  readonly comparison?: string;
  /** Set for yes/no questions about a figure: whether the figure asked about is the printed one. */
  readonly check?: { readonly asked: string; readonly correct: boolean; readonly approximate?: boolean };
  /** Other entries worth a tap: the full reply, the plan next to the result, near matches. */
  readonly related: readonly EntryRef[];
  /** How much of the question's rare words the best entry covers (0..1); the decline signal. */
  readonly confidence: number;
  /** Set when the question followed up the previous one ("那兴和县呢？"): the question it followed. */
  readonly followUpOf?: string;
}

/** The question fits several entries that mean different things: ask back. */
export interface Ambiguous {
  readonly kind: 'ambiguous';
  readonly question: string;
  readonly prompt: string;
  readonly options: readonly EntryRef[];
  readonly confidence: number;
  /** The best candidate and its score, for the unanswered log. */
  readonly best?: { readonly id: string; readonly score: number };
}

/** Why a question was not answered. */
export type NoneReason = 'empty' | 'greeting' | 'thanks' | 'too-long' | 'off-topic' | 'not-reported';

/** Nothing in the knowledge answers the question: say so, and what can be asked instead. */
export interface NoAnswer {
  readonly kind: 'none';
  readonly question: string;
  readonly reason: NoneReason;
  /** For not-reported: the region asked about, whose reported indicators are the suggestions. */
  readonly regionName?: string;
  /** What was asked for that the article does not report (GDP, 总人口 …). */
  readonly asked?: string;
  /** The same indicator, reported for another region (兴和县's 贫困发生率 → 克什克腾旗's). */
  readonly elsewhere?: EntryRef;
  readonly suggestions: readonly EntryRef[];
  readonly confidence: number;
  /** The best candidate and its score, for the unanswered log. */
  readonly best?: { readonly id: string; readonly score: number };
}

/** The result of asking the engine one question. */
export type Answer = Answered | Ambiguous | NoAnswer;

/** Per-chat context for follow-ups: the previous question's entry and region. */
export interface AskContext {
  readonly previous?: { readonly question: string; readonly entryId: string; readonly regionId?: string };
}
