import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/ingest.js';

const ARTICLE = join(import.meta.dirname, '../fixtures/ingest/qingshan-2017-03-16.txt');
const KNOWLEDGE = join(import.meta.dirname, '../../knowledge');
const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ingest-cli-'));
  temps.push(dir);
  return dir;
}

function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('npm run ingest', () => {
  it('writes the draft next to a verbatim copy of the article and reports the open points', () => {
    const out = temp();
    const r = run(ARTICLE, '--out', out, '--knowledge', KNOWLEDGE);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'sources/nmgrb-2017-03-16-p6.txt'), 'utf8')).toBe(
      readFileSync(ARTICLE, 'utf8'),
    );
    expect(readFileSync(join(out, 'nmgrb-2017-03-16-p6.yaml'), 'utf8')).toMatch(
      /^# DRAFT knowledge of 内蒙古日报/,
    );
    expect(r.stderr).toContain('Open points (4)');
    expect(r.stderr).toContain('line 73: unknown section 【记者手记】');
    expect(r.stderr).toContain('validation: the draft validates (loadKnowledge).');
    expect(r.stderr).not.toContain('together with');
  });

  it('takes --id, and refuses to overwrite a draft without --force', () => {
    const out = temp();
    expect(run(ARTICLE, '--out', out, '--id', 'qingshan-test', '--knowledge', out).code).toBe(0);
    expect(existsSync(join(out, 'qingshan-test.yaml'))).toBe(true);
    const again = run(ARTICLE, '--out', out, '--id', 'qingshan-test', '--knowledge', out);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists: edit it, or pass --force');
    expect(run(ARTICLE, '--out', out, '--id', 'qingshan-test', '--knowledge', out, '--force').code).toBe(0);
  });

  it('refuses an article the knowledge folder already holds', () => {
    const r = run(
      join(KNOWLEDGE, 'sources/nmgrb-2017-02-23-p5.txt'),
      '--out',
      temp(),
      '--knowledge',
      KNOWLEDGE,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('this article is already known');
  });

  it('--check validates a folder, and names the file, entry and field of a problem', () => {
    const dir = temp();
    cpSync(KNOWLEDGE, dir, { recursive: true });
    const ok = run('--check', dir);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('nmgrb-2017-02-23-p5.yaml: ok — 2 interviews, 7 turns, 90 facts');
    expect(ok.stdout).not.toContain('warning');
    const file = join(dir, 'nmgrb-2017-02-23-p5.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('quote: 撬动社会资金3.4亿元', 'quote: 撬动社会资金3.5亿元'),
    );
    const bad = run('--check', dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('nmgrb-2017-02-23-p5.yaml: entry "kq-social-capital", field facts[');
    expect(bad.stderr).toContain('.quote: not found verbatim');
  });

  it('prints its usage on a wrong call', () => {
    expect(run().code).toBe(2);
    expect(run('--help').stdout).toContain('usage: npm run ingest');
  });
});
