import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAnswerEngine } from '../../src/engine/answer.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { evaluate, loadQuestions } from './evaluate.js';

const engine = createAnswerEngine(loadKnowledge(join(import.meta.dirname, '../../knowledge')));

/** Fails with the misses listed, so that a regression says which questions broke. */
function expectAtLeast(rate: number, hit: number, n: number, misses: readonly string[]) {
  expect(hit / n, `${hit}/${n}\n${misses.join('\n')}`).toBeGreaterThanOrEqual(rate);
}

describe('the project’s own question set, written as users write', () => {
  const questions = loadQuestions('core.json');
  const { byCategory, misses } = evaluate(engine, questions);

  it('holds at least 150 questions', () => {
    expect(questions.length).toBeGreaterThanOrEqual(150);
  });

  it('answers at least 95% of the positives with the expected figure, 90% in the lead', () => {
    const positives = Object.entries(byCategory).filter(([cat]) => cat !== 'negative');
    const n = positives.reduce((s, [, t]) => s + t.n, 0);
    expectAtLeast(
      0.95,
      positives.reduce((s, [, t]) => s + t.hit, 0),
      n,
      misses,
    );
    expectAtLeast(
      0.9,
      positives.reduce((s, [, t]) => s + t.lead, 0),
      n,
      misses,
    );
  });

  it('answers at least 90% in every category', () => {
    for (const [cat, t] of Object.entries(byCategory)) {
      expectAtLeast(
        0.9,
        t.hit,
        t.n,
        misses.filter(() => cat !== ''),
      );
    }
  });

  it('declines every off-topic question', () => {
    const t = byCategory.negative;
    expect(t?.hit, misses.filter((m) => m.includes('[negative')).join('\n')).toBe(t?.n);
  });
});

describe('questions that span the knowledge', () => {
  const questions = loadQuestions('spanning.json');
  const { byCategory, misses } = evaluate(engine, questions);

  it.each(['both-regions', 'comparison', 'plan-vs-actual', 'chinese-numerals', 'romanized', 'polite'])(
    'answers at least 90%% of the %s questions',
    (cat) => {
      const t = byCategory[cat];
      expect(t?.n ?? 0).toBeGreaterThanOrEqual(10);
      expectAtLeast(0.9, t?.hit ?? 0, t?.n ?? 1, misses);
    },
  );

  it('declines every question about a figure the article does not report', () => {
    const t = byCategory['unknown-in-domain'];
    expect(t?.n ?? 0).toBeGreaterThanOrEqual(10);
    expect(t?.hit, misses.join('\n')).toBe(t?.n);
  });
});

describe.each(['holdout.json', 'holdout2.json'])(
  'the held-out set %s (written independently of the knowledge and the other sets)',
  (file) => {
    const { byCategory, misses } = evaluate(engine, loadQuestions(file));
    const tallies = Object.entries(byCategory);

    it('answers at least 95% of its positives with the expected figure', () => {
      const positives = tallies.filter(([cat]) => cat !== 'negative' && cat !== 'unknown-in-domain');
      const n = positives.reduce((s, [, t]) => s + t.n, 0);
      expectAtLeast(
        0.95,
        positives.reduce((s, [, t]) => s + t.hit, 0),
        n,
        misses,
      );
    });

    it('declines all its off-topic and not-reported questions', () => {
      for (const cat of ['negative', 'unknown-in-domain'])
        expect(byCategory[cat]?.hit, misses.join('\n')).toBe(byCategory[cat]?.n);
    });
  },
);
