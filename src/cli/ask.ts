/**
 * `npm run ask -- "问题"`: asks the engine directly and prints the reply as a user reads it.
 * `npm run ask -- --json`: one question a line on stdin, one JSON object a line on stdout.
 */
import { createInterface } from 'node:readline';
import { createAnswerEngine } from '../engine/answer.js';
import type { Answer } from '../engine/types.js';
import { KnowledgeError, loadKnowledge } from '../knowledge/load.js';
import { defaultKnowledgeDir } from '../knowledge/paths.js';
import { renderPlain } from '../render/plain.js';
import { takeFlag, takeOption } from './args.js';

const USAGE = `usage: npm run ask -- "问题"            ask one question
       npm run ask -- --json < questions.txt   one question a line in, one JSON object a line out
options: --knowledge DIR   the knowledge folder (default: KNOWLEDGE_DIR or ./knowledge)
         --explain         also print how the question was read and the best candidates`;

async function main(argv: readonly string[]): Promise<number> {
  const args = [...argv];
  const json = takeFlag(args, '--json');
  const explain = takeFlag(args, '--explain');
  const dir = takeOption(args, '--knowledge') ?? process.env.KNOWLEDGE_DIR ?? defaultKnowledgeDir();
  if (takeFlag(args, '--help') || takeFlag(args, '-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let engine: ReturnType<typeof createAnswerEngine>;
  try {
    engine = createAnswerEngine(loadKnowledge(dir));
  } catch (err) {
    process.stderr.write(`${err instanceof KnowledgeError ? err.message : String(err)}\n`);
    return 1;
  }

  if (json) {
    const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      const t0 = performance.now();
      const answer = engine.answer(line);
      const ms = performance.now() - t0;
      process.stdout.write(`${JSON.stringify(toJson(line, answer, ms))}\n`);
    }
    return 0;
  }

  const question = args.join(' ').trim();
  if (!question) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  process.stdout.write(`${renderPlain(engine.answer(question))}\n`);
  if (explain) process.stdout.write(`\n${JSON.stringify(engine.explain(question), null, 2)}\n`);
  return 0;
}

/** The JSON line of one answer: what score.mjs reads, plus the matched ids and scores. */
export function toJson(question: string, answer: Answer, ms: number) {
  return {
    question,
    answered: answer.kind === 'answered',
    kind: answer.kind,
    text: renderPlain(answer),
    ms: Math.round(ms * 1000) / 1000,
    ids:
      answer.kind === 'answered'
        ? answer.parts.map((p) => p.entry.id)
        : answer.kind === 'ambiguous'
          ? answer.options.map((o) => o.id)
          : [],
    scores: answer.kind === 'answered' ? answer.parts.map((p) => p.score) : [],
    confidence: Math.round(answer.confidence * 1000) / 1000,
    ...(answer.kind === 'none' ? { reason: answer.reason } : {}),
  };
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
