import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/unanswered.js';

const KNOWLEDGE = join(import.meta.dirname, '../../knowledge');
const dir = mkdtempSync(join(tmpdir(), 'unanswered-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'unanswered.jsonl');
const line = (question: string, n: number, extra: object = {}) =>
  JSON.stringify({
    time: new Date(Date.UTC(2024, 4, 1, 8, n)).toISOString(),
    question,
    chatType: n % 2 ? 'private' : 'group',
    kind: 'none',
    reason: 'not-reported',
    best: { id: 'kq-area', score: 0.3 },
    ...extra,
  });
writeFileSync(
  file,
  [
    line('克旗GDP是多少？', 1),
    line('克什克腾旗的GDP多少', 2),
    line('兴和县的人口有多少', 3, { kind: 'ambiguous', reason: undefined }),
    line('克旗gdp', 4),
    '{"broken',
  ].join('\n'),
);

function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, env);
  return { code, stdout, stderr };
}

describe('npm run unanswered', () => {
  it('prints the groups, most frequent first, with counts, wordings, verdicts and closest entries', () => {
    const r = run(['--file', file, '--knowledge', KNOWLEDGE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('4 unanswered questions in');
    expect(r.stdout).toContain('2 groups; 1 unreadable lines skipped.');
    expect(r.stdout).toMatch(
      / {2}1\. ×3 {2}克旗GDP是多少？\n\s+also: 克什克腾旗的GDP多少 · 克旗gdp\n\s+verdict: not-reported ×3/,
    );
    expect(r.stdout).toContain('closest entries: kq-area (0.30) ×3');
    expect(r.stdout).toMatch(/ {2}2\. ×1 {2}兴和县的人口有多少\n\s+verdict: asked back ×1/);
  });

  it('reads the log from UNANSWERED_LOG, and limits the groups with --top', () => {
    const r = run(['--top', '1', '--knowledge', KNOWLEDGE], { UNANSWERED_LOG: file });
    expect(r.stdout).toContain('2 groups (the 1 most frequent below)');
    expect(r.stdout).not.toContain('兴和县的人口有多少');
  });

  it('prints JSON with --json', () => {
    const r = run(['--file', file, '--json', '--knowledge', KNOWLEDGE]);
    const groups = JSON.parse(r.stdout);
    expect(groups.map((g: { question: string; count: number }) => [g.question, g.count])).toEqual([
      ['克旗GDP是多少？', 3],
      ['兴和县的人口有多少', 1],
    ]);
  });

  it('says so when nothing was recorded yet', () => {
    const r = run(['--file', join(dir, 'none.jsonl')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('No unanswered questions recorded yet');
  });

  it('prints its usage on a wrong call', () => {
    expect(run(['--top', 'x', '--file', file]).code).toBe(2);
    expect(run(['--help']).stdout).toContain('usage: npm run unanswered');
  });
});
