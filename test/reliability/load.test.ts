/**
 * Load: 1,000 questions from 200 users, in private chats and in groups, delivered in one burst to
 * the real bot. Every question gets exactly one answer, in order within its chat, and no chat gets
 * more than Telegram allows.
 *
 * Time is compressed 40 times: the emulator enforces Telegram's limits (its limits mode: 1 message/s
 * per private chat with a burst of 3, 20 per minute per group, 30 per second overall) forty times
 * faster, and the limiter is configured with exactly the same numbers. At Telegram's real pace the
 * groups alone (50 questions each) would take two minutes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RELIABILITY } from '../../src/config.js';
import type { TgUser } from '../../src/emulator/bot-api-server.js';
import { BOT_USERNAME, type Running, startBot } from '../e2e/helpers.js';
import { botMessages, compressedLimits, refusedSends } from './helpers.js';

const SPEEDUP = 40;
const LIMITS = compressedLimits(SPEEDUP);

// Five questions whose answers are one message each, told apart by a figure or a name.
const QUESTIONS: readonly (readonly [string, string])[] = [
  ['兴和县的城镇化率是多少？', '48%'],
  ['克什克腾旗的贫困发生率是多少？', '31.1%'],
  ['兴和县委书记是谁？', '刘政'],
  ['克什克腾旗旗委书记是谁？', '边中悦'],
  ['兴和县的城镇居民人均可支配收入是多少？', '23584'],
];

let run: Running;

beforeAll(async () => {
  run = await startBot('polling', {
    // Flood control with its defaults (6 questions in 10 s): five questions a user pass.
    reliability: {
      ...DEFAULT_RELIABILITY,
      sendLimits: LIMITS.limiter,
      retry: { ...DEFAULT_RELIABILITY.retry, baseDelayMs: 20, maxDelayMs: 200 },
    },
  });
  run.server.setTelegramLimits(LIMITS.emulator);
});

afterAll(async () => {
  await run?.stop();
});

/** The most messages any window of `spanMs` holds, from a sorted list of times. */
function busiestWindow(times: readonly number[], spanMs: number): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= spanMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

describe('a burst of 1,000 questions from 200 users', () => {
  it('answers each exactly once, in order, within every limit', { timeout: 60_000 }, async () => {
    const privateUsers: TgUser[] = Array.from({ length: 150 }, (_, i) =>
      run.server.createUser({ firstName: `P${i}` }),
    );
    for (const u of privateUsers) run.server.privateChat(u);
    const groups = Array.from({ length: 5 }, (_, g) => {
      const members = Array.from({ length: 10 }, (_, i) =>
        run.server.createUser({ firstName: `G${g}-${i}` }),
      );
      return { chat: run.server.createGroup({ title: `群${g}`, members, bots: [BOT_USERNAME] }), members };
    });
    run.server.clearRecords();
    // Counted from the emulator's events: re-reading every chat at each call would slow the run down.
    let delivered = 0;
    run.server.on('botMessage', () => {
      delivered++;
    });

    // The burst: every user's five questions, interleaved across users, all before the bot polls again.
    const groupAsks: { chatId: number; messageId: number; marker: string }[] = [];
    const started = Date.now();
    for (const [q, [question, marker]] of QUESTIONS.entries()) {
      for (const u of privateUsers) run.server.sendText(u.id, u, question);
      for (const { chat, members } of groups) {
        for (const u of members) {
          const { message } = run.server.sendText(chat.id, u, `/ask@${BOT_USERNAME} ${question}`);
          groupAsks.push({ chatId: chat.id, messageId: message.message_id, marker });
        }
      }
      expect(q).toBeLessThan(QUESTIONS.length);
    }
    expect(run.server.updates).toHaveLength(1000);

    await run.server.waitFor(() => delivered >= 1000 && run.app.pending() === 0, 50_000, '1,000 answers');
    const elapsed = Date.now() - started;
    await new Promise((r) => setTimeout(r, 200));
    expect(delivered).toBe(1000);

    // Private chats: five answers, one per question, in the order asked.
    for (const u of privateUsers) {
      const texts = botMessages(run.server, u.id).map((m) => m.text ?? '');
      expect(texts).toHaveLength(5);
      texts.forEach((text, i) => {
        expect(text).toContain(QUESTIONS[i]?.[1]);
      });
    }
    // Groups: every question has exactly one reply, with its answer.
    for (const g of groups) {
      const replies = new Map<number, string[]>();
      for (const m of botMessages(run.server, g.chat.id)) {
        const to = m.reply_to_message?.message_id ?? -1;
        replies.set(to, [...(replies.get(to) ?? []), m.text ?? '']);
      }
      for (const ask of groupAsks.filter((a) => a.chatId === g.chat.id)) {
        const got = replies.get(ask.messageId) ?? [];
        expect(got).toHaveLength(1);
        expect(got[0]).toContain(ask.marker);
      }
    }

    // Within the limits: the emulator never had to refuse a message, nothing else failed, and the
    // recorded sends confirm it chat by chat and overall.
    expect(run.server.floodViolations).toEqual([]);
    expect(refusedSends(run.server)).toEqual([]);
    expect(run.server.calls.filter((c) => (c.httpStatus ?? 200) >= 400)).toEqual([]);
    const sends = run.server.calls.filter((c) => c.method === 'sendMessage' && c.httpStatus === 200);
    expect(sends).toHaveLength(1000);
    const times = (chatId: number) =>
      sends.filter((c) => String(c.params.chat_id) === String(chatId)).map((c) => c.time);
    const { groupWindowMs = 60_000, globalWindowMs = 1000, globalPerSecond = 30 } = LIMITS.emulator;
    for (const g of groups) expect(busiestWindow(times(g.chat.id), groupWindowMs)).toBeLessThanOrEqual(20);
    expect(
      busiestWindow(
        sends.map((c) => c.time).sort((a, b) => a - b),
        globalWindowMs,
      ),
    ).toBeLessThanOrEqual(globalPerSecond);
    expect(run.app.outgoing.stats.retries.flood).toBe(0);
    // Three group windows (50 answers at 20 a window) bound the time from below.
    expect(elapsed).toBeGreaterThanOrEqual(2 * groupWindowMs);
    process.stdout.write(`load: 1000 answers in ${elapsed} ms (time compressed ${SPEEDUP}x)\n`);
  });
});
