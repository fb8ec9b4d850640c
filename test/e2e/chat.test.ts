/** `npm run chat` driven through a pipe: lines in, the bot's replies out, exit at the end of input. */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

function chat(input: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/chat.ts')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.stderr.on('data', (d) => {
      err += String(d);
    });
    child.on('exit', (code) => done({ code, out, err }));
    child.stdin.end(input);
  });
}

/** The part of the transcript after the line that echoes `input`, up to the next echoed input. */
function replyTo(out: string, input: string): string {
  const start = out.indexOf(`› ${input}\n`);
  if (start < 0) throw new Error(`no echo of ${input} in:\n${out}`);
  const rest = out.slice(start + input.length + 3);
  const next = rest.search(/^(私聊|群聊) › /m);
  return next < 0 ? rest : rest.slice(0, next);
}

describe('npm run chat', () => {
  it('plays a whole conversation from piped input, with no token and no network', async () => {
    const { code, out, err } = await chat(
      [
        '/start',
        '兴和县的城镇化率是多少？',
        '1',
        '那克什克腾旗呢？',
        '/group',
        '随便聊聊',
        '/ask 兴和县的城镇化率是多少？',
        '> 那克什克腾旗呢？',
        '/inline 城镇化率',
        '/group',
        '/help',
        '',
      ].join('\n'),
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.includes('\u001b[')).toBe(false); // no colours when not on a terminal
    expect(replyTo(out, '/start')).toContain('您好，小明！');
    expect(replyTo(out, '/start')).toMatch(/\[1\] 💬 /);
    const answer = replyTo(out, '兴和县的城镇化率是多少？');
    expect(answer).toContain('📊 兴和县 · 城镇化率 48%');
    expect(answer).toContain('[1] 📄 完整回答');
    expect(answer).not.toContain('<b>');
    expect(replyTo(out, '1')).toContain('刘政：');
    expect(replyTo(out, '那克什克腾旗呢？')).toContain('克什克腾旗');
    expect(replyTo(out, '随便聊聊')).toContain('隐私模式');
    expect(replyTo(out, '/ask 兴和县的城镇化率是多少？')).toContain(
      '↩ 回复「/ask 兴和县的城镇化率是多少？」',
    );
    expect(replyTo(out, '/inline 城镇化率')).toMatch(/\[1\] 📊 兴和县 · 城镇化率 48%/);
    expect(replyTo(out, '/help')).toContain('/ask 问题');
  });
});
