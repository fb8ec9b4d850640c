/**
 * Scores the engine on a question set, the way ../shared/eval/score.mjs scores the CLI: a positive
 * question is a hit when the reply is answered and holds the expected figure (a lead hit when it
 * stands in the first 400 characters); with `askBack`, asking back naming both regions counts too;
 * a negative question is a hit when the reply is not an answer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnswerEngine } from '../../src/engine/answer.js';
import { renderPlain } from '../../src/render/plain.js';

/** One question of a set. */
export interface Question {
  readonly id: string;
  readonly cat: string;
  readonly q: string;
  readonly expect?: string;
  readonly re?: string;
  readonly all?: readonly string[];
  readonly askBack?: boolean;
}

/** The tally of one category. */
export interface Tally {
  n: number;
  hit: number;
  lead: number;
}

/** What a set scored. */
export interface Evaluation {
  readonly byCategory: Record<string, Tally>;
  readonly misses: readonly string[];
  readonly times: readonly number[];
}

/** Reads a question set of test/questions (or any path). */
export function loadQuestions(file: string): Question[] {
  const path = file.includes('/') ? file : join(import.meta.dirname, file);
  return JSON.parse(readFileSync(path, 'utf8')) as Question[];
}

/** Asks every question and tallies hits per category. */
export function evaluate(engine: AnswerEngine, questions: readonly Question[], lead = 400): Evaluation {
  const byCategory: Record<string, Tally> = {};
  const misses: string[] = [];
  const times: number[] = [];
  for (const q of questions) {
    const t0 = performance.now();
    const answer = engine.answer(q.q);
    times.push(performance.now() - t0);
    const text = renderPlain(answer);
    const answered = answer.kind === 'answered';
    const tally = (byCategory[q.cat] ??= { n: 0, hit: 0, lead: 0 });
    tally.n++;
    if (q.expect === undefined && q.re === undefined && q.all === undefined) {
      if (!answered) tally.hit++;
      else misses.push(`${q.id} [negative answered] ${q.q} -> ${oneLine(text)}`);
      continue;
    }
    const at =
      q.all !== undefined
        ? Math.max(...q.all.map((x) => text.indexOf(x)).map((i) => (i < 0 ? Number.POSITIVE_INFINITY : i)))
        : q.re !== undefined
          ? text.search(new RegExp(q.re))
          : text.indexOf(q.expect ?? '');
    if (q.askBack && !answered && /克什克腾|克旗/.test(text) && /兴和/.test(text)) {
      tally.hit++;
    } else if (answered && at >= 0 && at !== Number.POSITIVE_INFINITY) {
      tally.hit++;
      if (at < lead) tally.lead++;
      else misses.push(`${q.id} [not in lead, at ${at}] ${q.q}`);
    } else {
      const want = q.expect ?? q.re ?? q.all?.join(' + ');
      misses.push(
        `${q.id} [miss] ${q.q} (want ${want}) -> ${answered ? oneLine(text) : `no answer: ${oneLine(text)}`}`,
      );
    }
  }
  return { byCategory, misses, times };
}

function oneLine(text: string): string {
  return text.slice(0, 90).replace(/\n/g, ' ');
}
