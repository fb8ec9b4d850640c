/**
 * The engine's benchmark: knowledge load and index build times, answer time per question (p50/p99)
 * over every question set, accuracy per category, memory — and, in the same run on the same
 * questions, Fuse.js with default options over the same knowledge, as the baseline.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Fuse from 'fuse.js';
import { type AnswerEngine, createAnswerEngine } from '../src/engine/answer.js';
import { buildEntries } from '../src/engine/entries.js';
import type { Answer } from '../src/engine/types.js';
import { type Knowledge, loadKnowledge } from '../src/knowledge/load.js';
import { evaluate, loadQuestions, type Question } from '../test/questions/evaluate.js';

const ROOT = join(import.meta.dirname, '..');
const SETS = [
  ...readdirSync(join(ROOT, 'test/questions'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(ROOT, 'test/questions', f)),
];

/** What the engine part of the benchmark measured. */
export interface EngineReport {
  readonly loadMs: number;
  readonly buildMs: number;
  readonly lines: string[];
}

function quantile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

function ms(n: number): string {
  return `${n.toFixed(3)} ms`;
}

/** An engine that answers with the first hit of Fuse.js with default options over the raw entries. */
function fuseBaseline(knowledge: Knowledge, engine: AnswerEngine): AnswerEngine {
  const entries = buildEntries(knowledge).entries;
  const fuse = new Fuse(
    entries.map((e) => ({ id: e.id, text: e.fields.map((f) => f.text).join(' ') })),
    { keys: ['text'] },
  );
  return {
    ...engine,
    answer(question): Answer {
      const hit = fuse.search(question)[0];
      const a = hit ? engine.answerEntry(hit.item.id) : undefined;
      return a ?? { kind: 'none', question, reason: 'off-topic', suggestions: [], confidence: 0 };
    },
  };
}

/** Runs the engine benchmark and returns its printable lines. */
export function benchEngine(): EngineReport {
  const dir = join(ROOT, 'knowledge');
  let t = performance.now();
  const knowledge = loadKnowledge(dir);
  const loadMs = performance.now() - t;
  t = performance.now();
  const engine = createAnswerEngine(knowledge);
  const buildMs = performance.now() - t;
  // Warm loads and builds: what a reload costs once the process runs.
  t = performance.now();
  for (let i = 0; i < 5; i++) createAnswerEngine(loadKnowledge(dir));
  const reloadMs = (performance.now() - t) / 5;

  const sets = SETS.map((file) => ({ name: file.split('/').at(-1) ?? file, questions: loadQuestions(file) }));
  const all: Question[] = sets.flatMap((s) => s.questions);

  const baseline = fuseBaseline(knowledge, engine);
  for (const q of all) {
    engine.answer(q.q);
    baseline.answer(q.q);
  }
  const times: number[] = [];
  const baseTimes: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const q of all) {
      let s = performance.now();
      engine.answer(q.q);
      times.push(performance.now() - s);
      s = performance.now();
      baseline.answer(q.q);
      baseTimes.push(performance.now() - s);
    }
  }
  times.sort((a, b) => a - b);
  baseTimes.sort((a, b) => a - b);
  const mem = process.memoryUsage();

  const lines: string[] = [];
  lines.push('== engine ==');
  lines.push(`knowledge load (cold, first in process): ${ms(loadMs)}`);
  lines.push(`index build (cold, first in process):    ${ms(buildMs)}`);
  lines.push(`load + build, warm (a reload):           ${ms(reloadMs)}`);
  lines.push(
    `answer time over ${all.length} questions × 5: p50 ${ms(quantile(times, 0.5))}, p99 ${ms(quantile(times, 0.99))}, max ${ms(times.at(-1) ?? 0)}`,
  );
  lines.push(
    `baseline (Fuse.js defaults):             p50 ${ms(quantile(baseTimes, 0.5))}, p99 ${ms(quantile(baseTimes, 0.99))}`,
  );
  lines.push(
    `memory of this process (tsx, both engines, all sets): rss ${(mem.rss / 2 ** 20).toFixed(1)} MB, heap used ${(mem.heapUsed / 2 ** 20).toFixed(1)} MB`,
  );
  lines.push(compiledEngineLine(all.map((q) => q.q)));
  lines.push('');
  lines.push(
    'accuracy per category (hits/n; lead = figure within the first 400 characters) — engine | Fuse.js defaults',
  );
  for (const set of sets) {
    const ours = evaluate(engine, set.questions);
    const base = evaluate(baseline, set.questions);
    lines.push(`  ${set.name}`);
    let n = 0;
    let hit = 0;
    let baseHit = 0;
    for (const [cat, tally] of Object.entries(ours.byCategory)) {
      const b = base.byCategory[cat];
      n += tally.n;
      hit += tally.hit;
      baseHit += b?.hit ?? 0;
      const lead = /negative|unknown/.test(cat) ? '' : ` (lead ${tally.lead})`;
      lines.push(
        `    ${cat.padEnd(20)} ${`${tally.hit}/${tally.n}${lead}`.padEnd(18)} | ${b?.hit ?? 0}/${b?.n ?? 0}`,
      );
    }
    lines.push(
      `    ${'all'.padEnd(20)} ${`${hit}/${n} = ${((100 * hit) / n).toFixed(1)}%`.padEnd(18)} | ${baseHit}/${n} = ${((100 * baseHit) / n).toFixed(1)}%`,
    );
  }
  return { loadMs, buildMs, lines };
}

/**
 * Start-up and memory of the engine as the bot runs it: compiled JavaScript in a fresh Node process
 * (no TypeScript loader), after loading, indexing and answering every question once.
 */
function compiledEngineLine(questions: readonly string[]): string {
  const dist = join(ROOT, 'dist');
  if (!existsSync(join(dist, 'engine/answer.js'))) return 'compiled engine: dist/ missing (npm run build)';
  const code = `
    const t0 = performance.now();
    const { loadKnowledge } = await import(${JSON.stringify(join(dist, 'knowledge/load.js'))});
    const { createAnswerEngine } = await import(${JSON.stringify(join(dist, 'engine/answer.js'))});
    const t1 = performance.now();
    const engine = createAnswerEngine(loadKnowledge(${JSON.stringify(join(ROOT, 'knowledge'))}));
    const t2 = performance.now();
    for (const q of ${JSON.stringify(questions)}) engine.answer(q);
    const m = process.memoryUsage();
    console.log(JSON.stringify({ importMs: t1 - t0, loadBuildMs: t2 - t1, rss: m.rss, heap: m.heapUsed }));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  try {
    const r = JSON.parse(run.stdout) as { importMs: number; loadBuildMs: number; rss: number; heap: number };
    return `compiled engine in a fresh process: modules ${ms(r.importMs)}, load + index ${ms(r.loadBuildMs)}, rss ${(r.rss / 2 ** 20).toFixed(1)} MB, heap used ${(r.heap / 2 ** 20).toFixed(1)} MB (after answering every question)`;
  } catch {
    return `compiled engine: failed (${run.stderr.slice(0, 200)})`;
  }
}
