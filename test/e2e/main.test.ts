/**
 * The entry point as a process (`node --import tsx src/main.ts`), against the emulator: .env
 * loading, exit codes, one-line errors without stack traces, graceful stop on signals, 409.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
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
const TOKEN = generateBotToken(7_200_000_001);

let server: BotApiServer;
const children: ChildProcess[] = [];

beforeEach(async () => {
  server = await createBotApiServer({ bots: [{ token: TOKEN, username: 'MainTestBot', firstName: 'M' }] });
});

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await server.close();
});

interface Proc {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<{ code: number | null; ms: number; signalAt?: number }>;
}

/** Starts main.ts in a fresh folder (so no developer's .env is read) with only the given env. */
function start(env: Record<string, string>, dotenv?: string): Proc {
  const cwd = mkdtempSync(join(tmpdir(), 'minsheng-main-'));
  if (dotenv !== undefined) writeFileSync(join(cwd, '.env'), dotenv);
  const child = spawn(process.execPath, ['--import', TSX, MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += String(d);
  });
  child.stderr?.on('data', (d) => {
    err += String(d);
  });
  const started = Date.now();
  const exit = new Promise<{ code: number | null; ms: number }>((done) => {
    child.on('exit', (code) => done({ code, ms: Date.now() - started }));
  });
  return { child, out: () => out, err: () => err, exit };
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => done(port));
    });
  });
}

async function until(proc: Proc, text: string): Promise<void> {
  await server.waitFor(() => proc.out().includes(text) || proc.child.exitCode !== null, 8000, text);
  if (!proc.out().includes(text)) throw new Error(`process exited: ${proc.err()}${proc.out()}`);
}

describe('main', () => {
  it('stops on a missing token with one line about @BotFather, exit code 1', async () => {
    const proc = start({});
    const { code } = await proc.exit;
    expect(code).toBe(1);
    const lines = proc.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('BOT_TOKEN');
    expect(lines[0]).toContain('@BotFather');
  });

  it('stops on a broken knowledge folder with the loader’s message and no stack trace', async () => {
    const proc = start({
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: server.apiRoot,
      KNOWLEDGE_DIR: join(ROOT, 'test/fixtures/broken'),
    });
    expect((await proc.exit).code).toBe(1);
    expect(proc.err()).toContain('invalid knowledge');
    expect(proc.err()).not.toMatch(/\n\s+at /);
  });

  it('reads .env, polls, answers, and stops on SIGTERM within a few seconds with exit code 0', async () => {
    const proc = start({}, `BOT_TOKEN=${TOKEN}\nTELEGRAM_API_ROOT=${server.apiRoot}\n`);
    await until(proc, 'polling for updates');
    const user = server.createUser({ firstName: 'Alice' });
    server.sendText(user.id, user, '兴和县的城镇化率是多少？');
    expect((await server.waitForBotMessage(user.id)).text).toContain('48%');
    const signalled = Date.now();
    proc.child.kill('SIGTERM');
    // A second signal (an impatient operator, a supervisor) must not break the stop.
    proc.child.kill('SIGTERM');
    const { code } = await proc.exit;
    expect(code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(3000);
    expect(proc.out()).toContain('polling stopped');
    expect(proc.out() + proc.err()).not.toContain(TOKEN.split(':')[1]);
  });

  it('stops on SIGINT in webhook mode too, closing the server', async () => {
    const port = await freePort();
    const proc = start({
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: server.apiRoot,
      BOT_MODE: 'webhook',
      WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
      WEBHOOK_SECRET: 'main_test_secret',
      HOST: '127.0.0.1',
      PORT: String(port),
    });
    await until(proc, 'webhook server listening');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    proc.child.kill('SIGINT');
    expect((await proc.exit).code).toBe(0);
    expect(proc.out() + proc.err()).not.toContain('main_test_secret');
  });

  it('exits with a clear message when another instance polls with the same token (409)', async () => {
    const proc = start({ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: server.apiRoot });
    await until(proc, 'polling for updates');
    await server.waitFor(() => server.calls.some((c) => c.method === 'deleteWebhook'));
    // Give the bot's long poll time to reach the server, then poll as a second instance would.
    await new Promise((r) => setTimeout(r, 150));
    const second = fetch(`${server.apiRoot}/bot${TOKEN}/getUpdates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ timeout: 1 }),
    });
    const { code } = await proc.exit;
    await second;
    expect(code).toBe(1);
    expect(proc.err()).toContain('Another instance of this bot is already running');
    expect(proc.err()).not.toMatch(/\n\s+at /);
    expect(proc.err()).not.toContain(TOKEN.split(':')[1]);
  });

  it('says so when Telegram rejects the token', async () => {
    const proc = start({ BOT_TOKEN: generateBotToken(7_299_999_999), TELEGRAM_API_ROOT: server.apiRoot });
    expect((await proc.exit).code).toBe(1);
    expect(proc.err()).toContain('Telegram rejected BOT_TOKEN');
  });
});
