/**
 * main as a process, for what maintainers do while it runs: an edit of the knowledge folder is served
 * without a restart, a broken edit is rejected while the bot keeps answering, SIGHUP reloads, and the
 * questions the bot declines land in the unanswered-question log without user data.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type BotApiServer,
  createBotApiServer,
  generateBotToken,
} from '../../src/emulator/bot-api-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const MAIN = join(ROOT, 'src/main.ts');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const TOKEN = generateBotToken(7_200_000_101);
const ARTICLE = 'nmgrb-2017-02-23-p5.yaml';

let server: BotApiServer;
let child: ChildProcess | undefined;
let dir: string;

beforeEach(async () => {
  server = await createBotApiServer({ bots: [{ token: TOKEN, username: 'ReloadTestBot', firstName: 'R' }] });
  dir = mkdtempSync(join(tmpdir(), 'minsheng-reload-'));
  cpSync(join(ROOT, 'knowledge'), join(dir, 'knowledge'), { recursive: true });
});

afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('main, while running', () => {
  it('reloads edits and SIGHUP without a restart, and logs the questions it declined', async () => {
    const knowledgeDir = join(dir, 'knowledge');
    const logFile = join(dir, 'log/unanswered.jsonl');
    child = spawn(process.execPath, ['--import', TSX, MAIN], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        LOG_LEVEL: 'info',
        BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: server.apiRoot,
        KNOWLEDGE_DIR: knowledgeDir,
        UNANSWERED_LOG: logFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (d) => {
      out += String(d);
    });
    child.stderr?.on('data', (d) => {
      out += String(d);
    });
    const exit = new Promise<number | null>((done) => child?.on('exit', (code) => done(code)));
    const until = async (text: string, from = 0) => {
      await server.waitFor(() => out.indexOf(text, from) >= 0 || child?.exitCode !== null, 8000, text);
      const at = out.indexOf(text, from);
      if (at < 0) throw new Error(`no "${text}" in: ${out}`);
      return at;
    };
    const user = server.createUser({ firstName: 'Alice' });
    const ask = async (question: string) => {
      server.sendText(user.id, user, question);
      return (await server.waitForBotMessage(user.id)).text ?? '';
    };
    const file = join(knowledgeDir, ARTICLE);
    const original = readFileSync(file, 'utf8');

    await until('polling for updates');
    expect(await ask('兴和县的城镇化率是多少？')).toContain('兴和县 · 城镇化率 48%');

    // A declined question is logged: the question, not who asked.
    expect(await ask('克什克腾旗的GDP是多少？')).toContain('没有提到');
    await server.waitFor(
      () => existsSync(logFile) && readFileSync(logFile, 'utf8').includes('GDP'),
      3000,
      'the log',
    );
    const logged = JSON.parse(readFileSync(logFile, 'utf8').trim().split('\n').at(-1) ?? '');
    expect(logged).toMatchObject({
      question: '克什克腾旗的GDP是多少？',
      chatType: 'private',
      kind: 'none',
      reason: 'not-reported',
    });
    expect(JSON.stringify(logged)).not.toMatch(new RegExp(`${user.id}|Alice`));

    // A valid edit is served from the next question on.
    const edited = original.replace('indicator: 城镇化率\n', 'indicator: 城镇化水平\n');
    expect(edited).not.toBe(original);
    writeFileSync(file, edited);
    let mark = await until('knowledge reloaded');
    expect(await ask('兴和县的城镇化率是多少？')).toContain('兴和县 · 城镇化水平 48%');

    // A broken edit is rejected with the file and the field, and the bot keeps serving the last valid state.
    writeFileSync(
      file,
      edited.replace('quote: 城镇化水平明显提升，城镇化率达到48%', 'quote: 城镇化率达到50%'),
    );
    mark = await until('knowledge reload rejected', mark);
    expect(out.slice(mark)).toMatch(
      new RegExp(
        `${ARTICLE}: entry \\\\"xh-urbanization-rate-2016\\\\", field facts\\[\\d+\\]\\.quote: not found verbatim`,
      ),
    );
    expect(await ask('兴和县的城镇化率是多少？')).toContain('兴和县 · 城镇化水平 48%');

    // SIGHUP reloads on demand.
    writeFileSync(file, original);
    mark = await until('knowledge reloaded', mark);
    child.kill('SIGHUP');
    mark = await until('knowledge unchanged', mark);
    const line = out.slice(out.lastIndexOf('\n', mark) + 1, out.indexOf('\n', mark));
    expect(JSON.parse(line)).toMatchObject({ reason: 'SIGHUP', msg: 'knowledge unchanged' });
    expect(await ask('兴和县的城镇化率是多少？')).toContain('兴和县 · 城镇化率 48%');

    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
