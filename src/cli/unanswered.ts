/**
 * `npm run unanswered [-- --file PATH] [--top N] [--json]`: the questions the bot declined or asked
 * back on, grouped by similarity, most frequent first — which knowledge is missing.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadKnowledge } from '../knowledge/load.js';
import { defaultKnowledgeDir } from '../knowledge/paths.js';
import { groupQuestions, type QuestionGroup, type RegionNames } from '../unanswered/group.js';
import { readUnansweredLog, unansweredLogPath } from '../unanswered/log.js';
import { type CliIo, processIo, takeFlag, takeOption } from './args.js';

const USAGE = `usage: npm run unanswered [-- --file PATH] [--top N] [--json]
  --file PATH       the log (default: UNANSWERED_LOG or data/unanswered.jsonl)
  --top N           show the N most frequent groups (default 20; 0 for all)
  --json            one JSON array of groups instead of text
  --knowledge DIR   read region names and aliases from DIR, so that 克旗 and 克什克腾旗 group together
                    (default: KNOWLEDGE_DIR or ./knowledge)
  --threshold X     how similar two questions must be to group them, 0..1 (default 0.5)`;

/** Runs the command; returns the exit code. */
export function main(
  argv: readonly string[],
  io: CliIo = processIo,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const args = [...argv];
  if (takeFlag(args, '--help') || takeFlag(args, '-h')) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const json = takeFlag(args, '--json');
  const file = takeOption(args, '--file') ?? unansweredLogPath(env);
  const top = Number(takeOption(args, '--top') ?? 20);
  const threshold = Number(takeOption(args, '--threshold') ?? 0.5);
  const knowledgeDir = takeOption(args, '--knowledge') ?? env.KNOWLEDGE_DIR ?? defaultKnowledgeDir();
  if (args.length > 0 || !file || !Number.isInteger(top) || top < 0 || !(threshold > 0 && threshold <= 1)) {
    io.stderr(`${file ? '' : 'UNANSWERED_LOG is off: pass --file PATH\n'}${USAGE}\n`);
    return 2;
  }
  if (!existsSync(file)) {
    io.stderr(`No unanswered questions recorded yet (${resolve(file)} does not exist).\n`);
    return 0;
  }
  const { records, skipped } = readUnansweredLog(file);
  const regions = regionNames(knowledgeDir, io);
  const groups = groupQuestions(records, { regions, threshold });
  const shown = top === 0 ? groups : groups.slice(0, top);
  if (json) {
    io.stdout(`${JSON.stringify(shown, null, 2)}\n`);
    return 0;
  }
  io.stdout(
    formatGroups(shown, { file: resolve(file), total: records.length, groups: groups.length, skipped }),
  );
  return 0;
}

/** The groups as text for a maintainer: counts, wordings, verdicts and the entries that came closest. */
export function formatGroups(
  groups: readonly QuestionGroup[],
  about: { file: string; total: number; groups: number; skipped: number },
): string {
  if (about.total === 0) return `No unanswered questions in ${about.file}.\n`;
  const lines = [
    `${about.total} unanswered questions in ${about.file}, ${about.groups} groups${
      groups.length < about.groups ? ` (the ${groups.length} most frequent below)` : ''
    }${about.skipped > 0 ? `; ${about.skipped} unreadable lines skipped` : ''}.`,
    '',
  ];
  groups.forEach((g, i) => {
    lines.push(`${String(i + 1).padStart(3)}. ×${g.count}  ${g.question}`);
    const pad = '       ';
    if (g.variants.length > 0) {
      const shown = g.variants.slice(0, 5).map((v) => `${v.question}${v.count > 1 ? ` (×${v.count})` : ''}`);
      const more = g.variants.length > 5 ? ` … and ${g.variants.length - 5} more` : '';
      lines.push(`${pad}also: ${shown.join(' · ')}${more}`);
    }
    lines.push(`${pad}verdict: ${g.reasons.map((r) => `${r.reason} ×${r.count}`).join(', ')}`);
    if (g.candidates.length > 0) {
      const best = g.candidates.slice(0, 3).map((c) => `${c.id} (${round(c.score)}) ×${c.count}`);
      lines.push(`${pad}closest entries: ${best.join(', ')}`);
    }
    lines.push(
      `${pad}chats: ${g.chatTypes.map((c) => `${c.chatType} ${c.count}`).join(', ')}${
        g.last ? ` · last asked ${g.last.slice(0, 16).replace('T', ' ')}` : ''
      }`,
    );
  });
  return `${lines.join('\n')}\n`;
}

/** The regions' names and aliases from the knowledge folder, when it loads. */
function regionNames(dir: string, io: CliIo): RegionNames[] {
  try {
    const regions = new Map<string, Set<string>>();
    for (const a of loadKnowledge(dir).articles) {
      for (const r of a.regions) {
        const names = regions.get(r.id) ?? new Set<string>();
        for (const n of [r.name, ...r.aliases]) names.add(n);
        regions.set(r.id, names);
      }
    }
    return [...regions].map(([id, names]) => ({ id, names: [...names] }));
  } catch {
    io.stderr(`(could not load the knowledge in ${dir}: region aliases are not merged)\n`);
    return [];
  }
}

function round(n: number): string {
  return Number.isFinite(n) ? n.toFixed(2) : '?';
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
