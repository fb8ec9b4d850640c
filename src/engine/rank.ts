/**
 * Ranking: an entry's retrieval score, weighed by how much of the question it holds, by how well its
 * kind suits the kind of question, by the regions named and by the period asked.
 */
import type { Entry } from './entries.js';
import type { Intent, ParsedQuestion } from './query.js';
import type { Scored } from './retrieve.js';
import type { EntryKind } from './types.js';

// How much each kind of entry suits each kind of question.
const INTENT_PRIOR: Record<Intent, Partial<Record<EntryKind, number>>> = {
  figure: { fact: 1.35, turn: 0.75, interview: 0.6, story: 0.8, background: 0.85, person: 0.5, source: 0.5 },
  howwhat: { fact: 0.8, turn: 1.35, interview: 0.9, story: 1, background: 0.9, person: 0.5, source: 0.5 },
  who: { fact: 0.5, turn: 0.6, interview: 1, story: 0.8, background: 0.6, person: 2, source: 1.2 },
  where: { fact: 0.9, turn: 0.6, interview: 0.6, story: 0.7, background: 1.5, person: 1.2, source: 1 },
  when: { fact: 1, turn: 0.7, interview: 0.8, story: 0.8, background: 0.9, person: 0.7, source: 1.6 },
  general: { fact: 1, turn: 1, interview: 0.9, story: 1, background: 1, person: 0.8, source: 0.8 },
};

/** The years an entry's key words name: 2016年, or 去年/今年 relative to its article's date. */
function yearsOf(entry: Entry): Set<string> {
  const key = entry.fields[0]?.text ?? '';
  const year = Number(entry.citation.date.slice(0, 4));
  const years = new Set(key.match(/(?:19|20)\d\d/g) ?? []);
  if (/去年|过去一年/.test(key)) years.add(String(year - 1));
  if (/今年|年内/.test(key)) years.add(String(year));
  return years;
}

/** Ranks the search results for a question, best first. */
export function rank(results: readonly Scored[], parsed: ParsedQuestion): Scored[] {
  const named = new Set(parsed.regions.map((r) => r.id));
  const prior = INTENT_PRIOR[parsed.intent];
  const phraseText = parsed.searchText;
  return results
    .map((r) => {
      // Coordination: an entry holding all of the question beats one holding a part of it often.
      let score = (r.score + phraseBonus(r.entry, phraseText)) * (prior[r.entry.kind] ?? 1) * r.coverage;
      const region = r.entry.region;
      if (named.size > 0) {
        if (region && named.has(region.id)) score *= 1.2;
        else if (region && region.level !== '自治区') score *= 0.25;
        else score *= 0.6;
      }
      const fact = r.entry.fact;
      if (fact && (parsed.period === 'target' || parsed.period === 'actual')) {
        score *= fact.status === parsed.period ? 1.25 : 0.8;
      }
      // Unless a plan is asked for, what was done comes before what is planned.
      if (fact && !parsed.period && fact.status === 'target') score *= 0.9;
      if (fact && parsed.year) {
        if (fact.period.includes(parsed.year)) score *= 1.3;
        else if (/^\d{4}$/.test(fact.period)) score *= 0.75;
      }
      // Other entries name their year in their key words (2016年民生工作, 去年的脱贫经验).
      if (!fact && parsed.year) {
        const years = yearsOf(r.entry);
        if (years.has(parsed.year)) score *= 1.25;
        else if (years.size > 0) score *= 0.8;
      }
      // 谁写的: the author of a story, not the people in it.
      if (parsed.authorAsked && r.entry.person?.kind === 'author') score *= 2;
      // Someone named: their own words first.
      if (
        parsed.peopleNamed.length > 0 &&
        r.entry.speaker &&
        parsed.peopleNamed.includes(r.entry.speaker.name)
      ) {
        score *= 1.2;
      }
      return { ...r, score };
    })
    .sort((a, b) => b.score - a.score);
}

/**
 * A bonus for the entry's key phrases (indicator, ask phrases, topic, name) standing whole in the
 * question: 污水处理率 asked is worth more than its bigrams scattered in a long answer.
 */
function phraseBonus(entry: Entry, text: string): number {
  const hits = entry.phrases.filter((p) => p.length >= 2 && text.includes(p));
  const longest = hits.filter((p) => !hits.some((q) => q !== p && q.includes(p)));
  return longest.reduce((s, p) => s + 1.5 * (p.length - 1), 0);
}
