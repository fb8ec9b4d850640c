import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

function ask(args: string[], input?: string) {
  return spawnSync(TSX, ['src/cli/ask.ts', ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: 30_000 });
}

describe('npm run ask', () => {
  it('prints the reply as a user reads it', () => {
    const run = ask(['兴和县城镇化率是多少']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('📊 兴和县 · 城镇化率 48%');
    expect(run.stdout).toContain('兴和县委书记 刘政');
  });

  it('answers one JSON line per question line, in order, with the engine time', () => {
    const questions = ['兴和县城镇化率', '今天天气怎么样', '', '克旗贫困发生率'];
    const run = ask(['--json'], `${questions.join('\n')}\n`);
    expect(run.status).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.question)).toEqual(questions);
    expect(lines.map((l) => l.answered)).toEqual([true, false, false, true]);
    for (const l of lines) {
      expect(typeof l.text).toBe('string');
      expect(typeof l.ms).toBe('number');
    }
    expect(lines[0].ids).toEqual(['xh-urbanization-rate-2016']);
    expect(lines[1].reason).toBe('off-topic');
  });

  it('explains how a question was read and what it matched, for maintainers', () => {
    const run = ask(['--explain', '兴合县的城镇化率']);
    expect(run.status).toBe(0);
    const explanation = JSON.parse(run.stdout.slice(run.stdout.indexOf('\n{') + 1));
    expect(explanation.read.regions).toEqual(['兴和县']);
    expect(explanation.candidates[0].id).toBe('xh-urbanization-rate-2016');
  });

  it('says what is wrong with a broken knowledge folder, without a stack trace', () => {
    const run = ask(['--knowledge', join(ROOT, 'test/fixtures/broken-does-not-exist'), '问题']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('cannot read the folder');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('explains its usage when asked nothing', () => {
    const run = ask([]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('usage: npm run ask');
  });
});
