/**
 * `npm run ingest -- path/to/article.txt [--out DIR] [--id ID]`: drafts the knowledge of an interview
 * page laid out like ours, next to a verbatim copy of its text, and reports what it could not place.
 * `npm run ingest -- --check DIR`: validates a knowledge folder and lists the figures no fact covers.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { uncoveredFigures } from '../ingest/check.js';
import { formatNotes } from '../ingest/render.js';
import { IngestError, ingestFile } from '../ingest/write.js';
import { KnowledgeError, loadKnowledge } from '../knowledge/load.js';
import { defaultKnowledgeDir } from '../knowledge/paths.js';
import { type CliIo, processIo, takeFlag, takeOption } from './args.js';

const USAGE = `usage: npm run ingest -- ARTICLE.txt [--out DIR] [--id ID] [--force]
       npm run ingest -- --check DIR
  ARTICLE.txt      the page's text, laid out like knowledge/sources/nmgrb-2017-02-23-p5.txt
  --out DIR        where the draft goes: DIR/<id>.yaml and DIR/sources/<id>.txt (default: drafts)
  --id ID          the source id (default: from the masthead, like nmgrb-2017-02-23-p5)
  --knowledge DIR  the knowledge the article will join: its ids are avoided and the draft is validated
                   with it (default: KNOWLEDGE_DIR or ./knowledge)
  --force          replace an existing draft of the same id
  --check DIR      validate a knowledge folder (as the bot loads it) and list figures no fact quotes`;

/** Runs the command; returns the exit code (0 done, 1 invalid or failed, 2 usage). */
export function main(argv: readonly string[], io: CliIo = processIo): number {
  const args = [...argv];
  if (takeFlag(args, '--help') || takeFlag(args, '-h')) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const check = takeOption(args, '--check');
  if (check !== undefined) return runCheck(check, io);

  const out = takeOption(args, '--out') ?? 'drafts';
  const id = takeOption(args, '--id');
  const knowledge = takeOption(args, '--knowledge') ?? process.env.KNOWLEDGE_DIR ?? defaultKnowledgeDir();
  const force = takeFlag(args, '--force');
  const [file, ...extra] = args;
  if (!file || extra.length > 0 || file.startsWith('--')) {
    io.stderr(`${USAGE}\n`);
    return 2;
  }
  let result: ReturnType<typeof ingestFile>;
  try {
    result = ingestFile(file, { out, knowledge, force, ...(id ? { id } : {}) });
  } catch (err) {
    if (err instanceof IngestError || isNodeError(err)) {
      io.stderr(`ingest: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const { draft } = result;
  const a = draft.article;
  const turns = a.interviews.reduce((n, iv) => n + iv.turns.length, 0);
  const lines = [
    `ingest: drafted ${result.yamlPath}`,
    `  with a verbatim copy of ${file} at ${result.sourcePath}`,
    `  ${a.regions.length} regions, ${a.people.length} people, ${a.interviews.length} interviews with ${turns} turns, ${a.stories.length} stories, ${a.background.length} background paragraphs, ${a.facts.length} draft facts`,
    ...formatNotes(draft.notes).map((l) => (l ? ` ${l}` : l)),
    '',
    `  ${draft.factChecks.size} facts and ${draft.entryChecks.size} other entries carry a "check:" comment in the YAML.`,
    ...(draft.unplaced.length > 0
      ? [`  ${draft.unplaced.length} facts name no region: they are commented out at the end of the YAML.`]
      : []),
    ...(draft.questionFigures > 0
      ? [`  ${draft.questionFigures} figures stand in the reporters' questions: not drafted as facts.`]
      : []),
    ...(result.uncovered.length > 0
      ? [
          `  ${result.uncovered.length} printed figures no draft fact quotes:`,
          ...result.uncovered.map((u) => `    line ${u.line}: ${u.text} (…${u.context}…)`),
        ]
      : []),
    result.invalid
      ? `  validation: the draft does not validate yet:\n    ${result.invalid.replace(/\n/g, '\n    ')}`
      : '  validation: the draft validates (loadKnowledge).',
    ...(result.conflicts
      ? [`  together with ${knowledge}: ${result.conflicts.replace(/\n/g, '\n    ')}`]
      : []),
    `  next: settle the open points in the YAML, then \`npm run ingest -- --check ${out}\`, and copy both files into the knowledge folder.`,
  ];
  io.stderr(`${lines.join('\n')}\n`);
  return result.invalid ? 1 : 0;
}

function runCheck(dir: string, io: CliIo): number {
  try {
    const k = loadKnowledge(dir);
    for (const a of k.articles) {
      const facts = a.facts.length;
      const turns = a.interviews.reduce((n, iv) => n + iv.turns.length, 0);
      io.stdout(`${a.file}: ok — ${a.interviews.length} interviews, ${turns} turns, ${facts} facts\n`);
      for (const u of uncoveredFigures(a)) {
        io.stdout(`  warning: line ${u.line}: the figure ${u.text} is in no fact's quote (…${u.context}…)\n`);
      }
    }
    io.stdout(`${resolve(dir)}: valid (${k.articles.length} articles)\n`);
    return 0;
  } catch (err) {
    if (err instanceof KnowledgeError) {
      io.stderr(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

function isNodeError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
