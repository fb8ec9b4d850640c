/**
 * The outgoing limiter on a bare Telegraf client against the emulator: Telegram's limits kept
 * (emulator in limits mode with the same compressed numbers), 429 waited out, 5xx and refused
 * connections retried, broken connections on sends never repeated, 4xx never retried.
 */
import { Telegram, TelegramError } from 'telegraf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBot } from '../../src/bot/create-bot.js';
import {
  type BotApiServer,
  createBotApiServer,
  generateBotToken,
  type TgUser,
} from '../../src/emulator/bot-api-server.js';
import type { Logger } from '../../src/logger.js';
import {
  createOutgoing,
  DEFAULT_RETRY_POLICY,
  type Outgoing,
  type RetryPolicy,
  type SendLimits,
} from '../../src/transport/outgoing.js';
import { engine } from '../bot/harness.js';
import { botMessages, captureLogger, compressedLimits } from './helpers.js';

const TOKEN = generateBotToken(7_200_000_001);
const FAST_RETRY: RetryPolicy = {
  ...DEFAULT_RETRY_POLICY,
  baseDelayMs: 20,
  maxDelayMs: 80,
  maxRetries: 4,
  timeoutMs: 2000,
};

let server: BotApiServer;
let alice: TgUser;
let log: { logger: Logger; lines: Record<string, unknown>[] };

beforeEach(async () => {
  server = await createBotApiServer({ bots: [{ token: TOKEN, username: 'LimiterBot', firstName: 'L' }] });
  alice = server.createUser({ firstName: 'Alice' });
  server.privateChat(alice);
  log = captureLogger();
});

afterEach(async () => {
  await server.close();
});

function client(options: { limits?: SendLimits; retry?: Partial<RetryPolicy> } = {}): {
  telegram: Telegram;
  outgoing: Outgoing;
} {
  const outgoing = createOutgoing({
    ...(options.limits ? { limits: options.limits } : {}),
    retry: { ...FAST_RETRY, ...options.retry },
    logger: log.logger,
    random: () => 0.5,
  });
  const telegram = outgoing.install(new Telegram(TOKEN, { apiRoot: server.apiRoot, webhookReply: false }));
  return { telegram, outgoing };
}

const sends = () => server.calls.filter((c) => c.method === 'sendMessage');

describe('limits', () => {
  it('keeps each private chat, each group and the total within Telegram’s limits however much is sent at once', async () => {
    const limits = compressedLimits(60);
    server.setTelegramLimits(limits.emulator);
    const { telegram } = client({ limits: limits.limiter });
    const group = server.createGroup({ title: 'Busy', bots: [TOKEN] });
    const users = Array.from({ length: 10 }, (_, i) => server.createUser({ firstName: `U${i}` }));
    for (const u of users) server.privateChat(u);

    const started = Date.now();
    await Promise.all([
      ...Array.from({ length: 25 }, (_, i) => telegram.sendMessage(group.id, `g${i}`)),
      ...users.flatMap((u) => Array.from({ length: 9 }, (_, i) => telegram.sendMessage(u.id, `p${i}`))),
    ]);
    expect(server.floodViolations).toEqual([]);
    expect(botMessages(server, group.id)).toHaveLength(25);
    for (const u of users) expect(botMessages(server, u.id)).toHaveLength(9);
    // The 21st group message had to wait for the group's window (1 s here) to pass.
    const groupTimes = sends()
      .filter((c) => String(c.params.chat_id) === String(group.id))
      .map((c) => c.time);
    expect((groupTimes[20] ?? 0) - (groupTimes[0] ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('without the limiter the same burst breaks the limits (the emulator refuses it), and retries still deliver it', async () => {
    const limits = compressedLimits(60);
    server.setTelegramLimits(limits.emulator);
    const { telegram, outgoing } = client();
    const group = server.createGroup({ title: 'Busy', bots: [TOKEN] });
    await Promise.all(Array.from({ length: 22 }, (_, i) => telegram.sendMessage(group.id, `g${i}`)));
    expect(server.floodViolations.length).toBeGreaterThan(0);
    expect(outgoing.stats.retries.flood).toBe(server.floodViolations.length);
    expect(botMessages(server, group.id).map((m) => m.text)).toHaveLength(22);
  });

  it('sends the messages of one chat in the order they were asked for', async () => {
    server.setTelegramLimits(compressedLimits(60).emulator);
    const { telegram } = client({ limits: compressedLimits(60).limiter });
    await Promise.all(Array.from({ length: 8 }, (_, i) => telegram.sendMessage(alice.id, `m${i}`)));
    expect(botMessages(server, alice.id).map((m) => m.text)).toEqual(
      Array.from({ length: 8 }, (_, i) => `m${i}`),
    );
  });
});

describe('retries', () => {
  it('waits retry_after on 429 and then delivers, once', async () => {
    const { telegram, outgoing } = client();
    server.injectFault({ method: 'sendMessage', fault: { type: 'flood', retryAfter: 1 } });
    const started = Date.now();
    await telegram.sendMessage(alice.id, 'after the wait');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(botMessages(server, alice.id).map((m) => m.text)).toEqual(['after the wait']);
    expect(sends().map((c) => c.httpStatus)).toEqual([429, 200]);
    expect(outgoing.stats.retries.flood).toBe(1);
  });

  it('does not wait out a retry_after longer than allowed: the call fails at once', async () => {
    const { telegram } = client({ retry: { maxRetryAfterS: 5 } });
    server.injectFault({ method: 'sendMessage', fault: { type: 'flood', retryAfter: 30 } });
    const started = Date.now();
    await expect(telegram.sendMessage(alice.id, 'x')).rejects.toMatchObject({ code: 429 });
    expect(Date.now() - started).toBeLessThan(500);
    expect(sends()).toHaveLength(1);
  });

  it('retries 500, 502 and 503 with backoff and delivers once', async () => {
    const { telegram, outgoing } = client();
    for (const status of [500, 502, 503] as const) {
      server.injectFault({ method: 'sendMessage', fault: { type: 'server-error', status } });
    }
    await telegram.sendMessage(alice.id, 'through');
    expect(sends().map((c) => c.httpStatus)).toEqual([500, 502, 503, 200]);
    expect(botMessages(server, alice.id).map((m) => m.text)).toEqual(['through']);
    expect(outgoing.stats.retries.server).toBe(3);
  });

  it('gives up after maxRetries when Telegram keeps failing, and says so once', async () => {
    const { telegram, outgoing } = client({ retry: { maxRetries: 2 } });
    server.injectFault({
      method: 'sendMessage',
      times: Number.POSITIVE_INFINITY,
      fault: { type: 'server-error' },
    });
    await expect(telegram.sendMessage(alice.id, 'x')).rejects.toMatchObject({ code: 500 });
    expect(sends()).toHaveLength(3);
    expect(outgoing.stats.gaveUp).toBe(1);
    expect(log.lines.filter((l) => l.msg === 'Bot API call failed after retries')).toHaveLength(1);
  });

  it('retries while Telegram cannot be reached (connection refused: nothing was sent) and delivers once', async () => {
    const { telegram, outgoing } = client({ retry: { maxRetries: 10, baseDelayMs: 50, maxDelayMs: 100 } });
    await server.setReachable(false);
    const sent = telegram.sendMessage(alice.id, 'once back');
    await new Promise((r) => setTimeout(r, 300));
    await server.setReachable(true);
    await sent;
    expect(botMessages(server, alice.id).map((m) => m.text)).toEqual(['once back']);
    expect(sends()).toHaveLength(1);
    expect(outgoing.stats.retries.unreachable).toBeGreaterThan(0);
  });

  it('repeats a send whose connection broke after the request went out once, so no answer is lost', async () => {
    const { telegram, outgoing } = client();
    // Dropped before Telegram acted: the repeat delivers it, once.
    server.injectFault({ method: 'sendMessage', fault: { type: 'drop' } });
    await telegram.sendMessage(alice.id, 'dropped, then delivered');
    expect(botMessages(server, alice.id).map((m) => m.text)).toEqual(['dropped, then delivered']);
    // Dropped after Telegram acted: the user may see it twice, and the log says why.
    server.injectFault({ method: 'sendMessage', fault: { type: 'drop-after' } });
    await telegram.sendMessage(alice.id, 'delivered, answer lost');
    expect(botMessages(server, alice.id).map((m) => m.text)).toEqual([
      'dropped, then delivered',
      'delivered, answer lost',
      'delivered, answer lost',
    ]);
    expect(outgoing.stats.retries.uncertain).toBe(2);
    expect(log.lines.filter((l) => String(l.msg).includes('repeating it once'))).toHaveLength(2);
    // Broken twice in a row: repeated once only, then given up and logged.
    server.injectFault({ method: 'sendMessage', times: 2, fault: { type: 'drop' } });
    await expect(telegram.sendMessage(alice.id, 'lost')).rejects.toThrow();
    expect(outgoing.stats.notRepeated).toBe(1);
  });

  it('with RETRY_UNCERTAIN_SENDS=0, never repeats such a send: no duplicate, ever', async () => {
    const { telegram, outgoing } = client({ retry: { repeatUncertainSends: 0 } });
    server.injectFault({ method: 'sendMessage', fault: { type: 'drop-after' } });
    await expect(telegram.sendMessage(alice.id, 'delivered, answer lost')).rejects.toThrow();
    expect(botMessages(server, alice.id).map((m) => m.text)).toEqual(['delivered, answer lost']);
    server.injectFault({ method: 'sendMessage', fault: { type: 'drop' } });
    await expect(telegram.sendMessage(alice.id, 'lost')).rejects.toThrow();
    expect(sends()).toHaveLength(2);
    expect(outgoing.stats.notRepeated).toBe(2);
    expect(log.lines.filter((l) => String(l.msg).includes('not repeated'))).toHaveLength(2);
  });

  it('repeats calls that are harmless to repeat after a broken connection or a timeout', async () => {
    const { telegram } = client({ retry: { timeoutMs: 300 } });
    server.injectFault({ method: 'getMe', fault: { type: 'drop' } });
    server.injectFault({ method: 'setMyCommands', fault: { type: 'drop-after' } });
    server.injectFault({ method: 'sendChatAction', fault: { type: 'hang' } });
    expect((await telegram.getMe()).username).toBe('LimiterBot');
    expect(await telegram.setMyCommands([{ command: 'ask', description: '提问' }])).toBe(true);
    expect(await telegram.sendChatAction(alice.id, 'typing')).toBe(true);
    expect(server.calls.map((c) => c.method)).toEqual([
      'getMe',
      'getMe',
      'setMyCommands',
      'setMyCommands',
      'sendChatAction',
      'sendChatAction',
    ]);
  });

  it('with RETRY_UNCERTAIN_SENDS=0, a send that times out is not repeated either', async () => {
    const { telegram } = client({ retry: { timeoutMs: 200, repeatUncertainSends: 0 } });
    server.injectFault({ method: 'sendMessage', fault: { type: 'hang' } });
    const started = Date.now();
    await expect(telegram.sendMessage(alice.id, 'x')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(sends()).toHaveLength(1);
  });

  it('never retries 400 or 403, and leaves the logging to the caller', async () => {
    const { telegram, outgoing } = client();
    server.injectFault({ method: 'sendMessage', times: 2, fault: { type: 'forbidden' } });
    await expect(telegram.sendMessage(alice.id, 'x')).rejects.toBeInstanceOf(TelegramError);
    await expect(telegram.sendMessage(alice.id, 'y')).rejects.toMatchObject({ code: 403 });
    await expect(telegram.sendMessage(alice.id, '<b>broken', { parse_mode: 'HTML' })).rejects.toMatchObject({
      code: 400,
    });
    // A chat the bot never saw: 400 chat not found.
    await expect(telegram.sendMessage(123_456, 'z', {})).rejects.toMatchObject({ code: 400 });
    expect(sends()).toHaveLength(4);
    expect(outgoing.stats.gaveUp + outgoing.stats.notRepeated).toBe(0);
    expect(log.lines.filter((l) => (l.level as number) >= 40)).toEqual([]);
  });
});

describe('installation', () => {
  it('covers bot.telegram and the fresh ctx.telegram of every update', async () => {
    const { outgoing } = client();
    const { logger } = captureLogger();
    const bot = createBot({
      getEngine: engine,
      logger,
      config: { token: TOKEN, apiRoot: server.apiRoot },
      botInfo: { ...(await new Telegram(TOKEN, { apiRoot: server.apiRoot }).getMe()) },
      outgoing,
    });
    const before = outgoing.stats.calls;
    await bot.telegram.getMe();
    expect(outgoing.stats.calls).toBe(before + 1);
    server.injectFault({ method: 'sendMessage', fault: { type: 'server-error', status: 502 } });
    const { updates } = server.sendText(alice.id, alice, '兴和县的城镇化率是多少？');
    const update = updates[0];
    if (!update) throw new Error('no update');
    await bot.handleUpdate(update as never);
    // typing + the answer, the answer once more after the 502.
    expect(outgoing.stats.calls).toBe(before + 3);
    expect(outgoing.stats.retries.server).toBe(1);
    expect(botMessages(server, alice.id).map((m) => m.text?.includes('48%'))).toEqual([true]);
  });

  it('refuses new calls once stopped', async () => {
    const { telegram, outgoing } = client();
    await outgoing.stop();
    await expect(telegram.sendMessage(alice.id, 'x')).rejects.toThrow(/stopping/);
    expect(sends()).toEqual([]);
  });
});
