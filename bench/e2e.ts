/**
 * The end-to-end benchmark: the real bot (compiled, `node dist/main.js`, its own process) polling
 * the Bot API emulator on loopback (in this process). For each run it measures the time from an
 * update delivered (the getUpdates response that carried it) to its reply sent (the sendMessage
 * reaching the emulator), at a steady pace and in a burst, the throughput of a burst in answered
 * questions per second, and the bot process's peak RSS — once with the outgoing limiter off and
 * once on (Telegram's limits: about 25 messages a second overall, so the "on" burst is bounded by it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ApiCall,
  type BotApiServer,
  createBotApiServer,
  generateBotToken,
  type TgUser,
} from '../src/emulator/bot-api-server.js';

const ROOT = join(import.meta.dirname, '..');
const MAIN = join(ROOT, 'dist/main.js');
const TOKEN = generateBotToken(7_300_000_001);

// Questions whose answers are one message each, so that the n-th message in a chat answers the n-th question.
const QUESTIONS = [
  '兴和县的城镇化率是多少？',
  '克什克腾旗的贫困发生率是多少？',
  '兴和县委书记是谁？',
  '克什克腾旗旗委书记是谁？',
  '兴和县的城镇居民人均可支配收入是多少？',
];

/** What the end-to-end part measured. */
export interface E2eReport {
  readonly lines: string[];
}

interface PhaseResult {
  answered: number;
  latencies: number[];
  /** Answered questions per second, from the first update delivered to the last reply sent. */
  throughput: number;
}

/** Runs the end-to-end benchmark (needs `npm run build` first) and returns its printable lines. */
export async function benchE2e(): Promise<E2eReport> {
  const lines = ['', '== end to end: the bot (dist/main.js) against the Bot API emulator on loopback =='];
  if (!existsSync(MAIN)) return { lines: [...lines, 'dist/main.js missing: run npm run build'] };
  lines.push(
    'latency = update delivered (getUpdates answered) → reply sent (sendMessage received); one message per answer',
  );
  for (const limiter of ['off', 'on'] as const) {
    const burst = limiter === 'on' ? { users: 150, each: 1 } : { users: 400, each: 5 };
    const run = await runBot(limiter, burst);
    lines.push(
      `limiter ${limiter.padEnd(3)} steady 20 q/s × ${run.steady.answered}: p50 ${ms(q(run.steady.latencies, 0.5))}, p99 ${ms(q(run.steady.latencies, 0.99))}`,
    );
    lines.push(
      `limiter ${limiter.padEnd(3)} burst ${run.burst.answered} questions from ${burst.users} users: ${run.burst.throughput.toFixed(1)} answered/s, p50 ${ms(q(run.burst.latencies, 0.5))}, p99 ${ms(q(run.burst.latencies, 0.99))}; bot peak RSS ${run.peakRss}`,
    );
  }
  return { lines };
}

async function runBot(
  limiter: 'on' | 'off',
  burst: { users: number; each: number },
): Promise<{ steady: PhaseResult; burst: PhaseResult; peakRss: string }> {
  const now = () => performance.timeOrigin + performance.now();
  const server = await createBotApiServer({
    bots: [{ token: TOKEN, username: 'MinshengBenchBot', firstName: 'Bench' }],
    clock: now,
  });
  const tracker = track(server);
  // A fresh folder as the working directory: no .env of the developer's, no unanswered log written here.
  const cwd = mkdtempSync(join(tmpdir(), 'minsheng-bench-'));
  const child = spawn(process.execPath, [MAIN], {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: `${server.apiRoot}/`,
      KNOWLEDGE_DIR: join(ROOT, 'knowledge'),
      LOG_LEVEL: 'info',
      UNANSWERED_LOG: 'off',
      RATE_LIMIT: limiter,
    },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  try {
    // Ready once it answers (a long poll is recorded only when it returns); this also warms it up.
    await server.waitFor(() => server.calls.some((c) => c.method === 'deleteWebhook'), 20_000, 'the bot');
    await phase(server, tracker, { users: 20, each: 1, paceMs: 0 });
    // Let the warm-up's messages leave the limiter's one-second window before measuring.
    await new Promise((r) => setTimeout(r, 1500));
    const steady = await phase(server, tracker, { users: 100, each: 1, paceMs: 50 });
    const burstResult = await phase(server, tracker, { ...burst, paceMs: 0 });
    return { steady, burst: burstResult, peakRss: peakRss(child) };
  } catch (err) {
    throw new Error(`end-to-end benchmark failed: ${(err as Error).message}\n${stderr.slice(-2000)}`);
  } finally {
    await stop(child);
    await server.close();
    rmSync(cwd, { recursive: true, force: true });
  }
}

interface Tracker {
  /** When each update reached the bot (its getUpdates response). */
  delivered: Map<number, number>;
  /** The arrival times of the bot's messages in each chat. */
  replies: Map<number, number[]>;
}

function track(server: BotApiServer): Tracker {
  const tracker: Tracker = { delivered: new Map(), replies: new Map() };
  server.on('call', (call: ApiCall) => {
    if (call.method === 'getUpdates' && call.response?.ok && Array.isArray(call.response.result)) {
      for (const u of call.response.result as { update_id: number }[]) {
        if (!tracker.delivered.has(u.update_id))
          tracker.delivered.set(u.update_id, call.time + call.durationMs);
      }
    }
    if (call.method === 'sendMessage' && call.httpStatus === 200) {
      const chat = Number(call.params.chat_id);
      tracker.replies.set(chat, [...(tracker.replies.get(chat) ?? []), call.time]);
    }
  });
  return tracker;
}

/** `users` new users each ask `each` questions, one every `paceMs` (0: all at once); waits for every answer. */
async function phase(
  server: BotApiServer,
  tracker: Tracker,
  options: { users: number; each: number; paceMs: number },
): Promise<PhaseResult> {
  const users: TgUser[] = Array.from({ length: options.users }, (_, i) =>
    server.createUser({ firstName: `B${i}` }),
  );
  for (const u of users) server.privateChat(u);
  const asked: { chat: number; nth: number; updateId: number }[] = [];
  for (let n = 0; n < options.each; n++) {
    for (const u of users) {
      const { updates } = server.sendText(u.id, u, QUESTIONS[(n + u.id) % QUESTIONS.length] as string);
      for (const up of updates) asked.push({ chat: u.id, nth: n, updateId: up.update_id });
      if (options.paceMs > 0) await new Promise((r) => setTimeout(r, options.paceMs));
    }
  }
  const expected = options.users * options.each;
  const answeredCount = () =>
    users.reduce((n, u) => n + Math.min(options.each, tracker.replies.get(u.id)?.length ?? 0), 0);
  await server.waitFor(() => answeredCount() >= expected, 120_000, `${expected} answers`);
  const latencies: number[] = [];
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const a of asked) {
    const delivered = tracker.delivered.get(a.updateId);
    const reply = tracker.replies.get(a.chat)?.[a.nth];
    if (delivered === undefined || reply === undefined) continue;
    latencies.push(reply - delivered);
    first = Math.min(first, delivered);
    last = Math.max(last, reply);
  }
  latencies.sort((x, y) => x - y);
  return { answered: latencies.length, latencies, throughput: (latencies.length / (last - first)) * 1000 };
}

function peakRss(child: ChildProcess): string {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1]);
    return Number.isFinite(kb) ? `${(kb / 1024).toFixed(1)} MB` : 'n/a';
  } catch {
    return 'n/a (no /proc)';
  }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) {
      resolve();
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function q(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

function ms(n: number): string {
  return n >= 100 ? `${n.toFixed(0)} ms` : `${n.toFixed(2)} ms`;
}
