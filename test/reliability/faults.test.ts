/**
 * The real bot (startApp, polling and webhook) against the emulator's faults: 429 storms, 5xx,
 * Telegram out of reach, broken connections, users who blocked the bot, a slow chat, a handler
 * that throws. Every answer is delivered exactly once, or, where Telegram may already have it,
 * not repeated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TgUser } from '../../src/emulator/bot-api-server.js';
import type { AnswerEngine } from '../../src/engine/answer.js';
import { ERROR_TEXT } from '../../src/render/texts.js';
import { type Running, startBot, TEST_RELIABILITY } from '../e2e/helpers.js';
import { botMessages } from './helpers.js';

const QUESTION = '兴和县的城镇化率是多少？';

let run: Running;

beforeAll(async () => {
  run = await startBot('polling', {
    reliability: {
      ...TEST_RELIABILITY,
      retry: { ...TEST_RELIABILITY.retry, maxRetries: 6, timeoutMs: 2000 },
    },
  });
});

afterAll(async () => {
  await run?.stop();
});

function users(n: number, name: string): TgUser[] {
  return Array.from({ length: n }, (_, i) => {
    const user = run.server.createUser({ firstName: `${name}${i}` });
    run.server.privateChat(user);
    return user;
  });
}

function ask(user: TgUser, text = QUESTION): void {
  run.server.sendText(user.id, user, text);
}

/** Waits until every user has `count` bot messages, then a little more, to see that nothing else comes. */
async function answered(who: readonly TgUser[], count = 1, timeoutMs = 8000): Promise<void> {
  await run.server.waitFor(
    () => who.every((u) => botMessages(run.server, u.id).length >= count),
    timeoutMs,
    'every answer',
  );
  await new Promise((r) => setTimeout(r, 100));
}

const sendsTo = (chatId: number) =>
  run.server.calls.filter((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(chatId));

describe('429 storm', () => {
  it('answers every question exactly once, after the wait Telegram asked for', async () => {
    const askers = users(20, 'Storm');
    const since = run.server.mark();
    const storm = run.server.injectFault({
      method: 'sendMessage',
      times: Number.POSITIVE_INFINITY,
      fault: { type: 'flood', retryAfter: 1 },
    });
    for (const u of askers) ask(u);
    // The storm lasts until every answer has been refused once (well within the one-second wait).
    await run.server.waitFor(() => storm.hits >= askers.length);
    storm.remove();
    await answered(askers);

    for (const u of askers) {
      const messages = botMessages(run.server, u.id);
      expect(messages).toHaveLength(1);
      expect(messages[0]?.text).toContain('48%');
      // Each chat: refused with 429, then delivered once, after the storm.
      const calls = sendsTo(u.id).filter((c) => c.seq > since);
      expect(calls.map((c) => c.httpStatus)).toEqual([429, 200]);
      expect((calls[1]?.time ?? 0) - (calls[0]?.time ?? 0)).toBeGreaterThanOrEqual(1000);
    }
    expect(storm.hits).toBe(20);
  });
});

describe('5xx and connections', () => {
  it('retries 500, 502, 503 and 504 on sendMessage and delivers each answer once', async () => {
    const askers = users(8, 'Five');
    for (const status of [500, 502, 503, 504] as const) {
      run.server.injectFault({ method: 'sendMessage', times: 4, fault: { type: 'server-error', status } });
    }
    for (const u of askers) ask(u);
    await answered(askers);
    for (const u of askers) expect(botMessages(run.server, u.id)).toHaveLength(1);
    const failed = askers.flatMap((u) => sendsTo(u.id)).filter((c) => c.httpStatus !== 200);
    expect(failed.length).toBe(16);
  });

  it('keeps retrying while Telegram is out of reach (connections refused) and delivers each answer once', async () => {
    const askers = users(5, 'Outage');
    const before = run.app.outgoing.stats.retries.unreachable;
    // The outage starts as the bot begins to answer (its typing indicator) and lasts 400 ms.
    run.server.once('chatAction', () => {
      void run.server.setReachable(false);
      setTimeout(() => void run.server.setReachable(true), 400);
    });
    for (const u of askers) ask(u);
    await answered(askers, 1, 10_000);
    for (const u of askers) expect(botMessages(run.server, u.id)).toHaveLength(1);
    expect(run.app.outgoing.stats.retries.unreachable).toBeGreaterThan(before);
  });

  it('repeats an answer whose connection was dropped on sendMessage: delivered, exactly once', async () => {
    const [user] = users(1, 'Dropped');
    if (!user) throw new Error('no user');
    run.server.injectFault({ method: 'sendMessage', chatId: user.id, fault: { type: 'drop' } });
    ask(user);
    await answered([user]);
    expect(botMessages(run.server, user.id)).toHaveLength(1);
    expect(sendsTo(user.id)).toHaveLength(2);
    expect(run.logs.some((l) => l.includes('repeating it once'))).toBe(true);
  });

  it('never retries a user who blocked the bot (403), logs it once as a warning, and serves the others', async () => {
    const [blocked, other] = users(2, 'Blocked');
    if (!blocked || !other) throw new Error('no users');
    run.server.injectFault({
      chatId: blocked.id,
      times: Number.POSITIVE_INFINITY,
      fault: { type: 'forbidden' },
    });
    const { updates } = run.server.sendText(blocked.id, blocked, QUESTION);
    ask(other);
    await answered([other]);
    const updateId = updates[0]?.update_id;
    await run.server.waitFor(() =>
      run.logs.some((l) => l.includes(`"update_id":${updateId},`) && l.includes('"failed":true')),
    );
    expect(sendsTo(blocked.id)).toHaveLength(1);
    const refusals = run.logs.filter(
      (l) => l.includes(`"update_id":${updateId},`) && l.includes('Telegram refused the reply'),
    );
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toContain('"level":40');
  });
});

describe('concurrency', () => {
  it('one slow chat holds up nobody, and its own updates stay in order', async () => {
    const [slow, quick] = users(2, 'Order');
    if (!slow || !quick) throw new Error('no users');
    run.server.injectFault({
      method: 'sendMessage',
      chatId: slow.id,
      times: 1,
      fault: { type: 'delay', ms: 1500 },
    });
    ask(slow, '兴和县的城镇化率是多少？');
    ask(slow, '克什克腾旗的贫困发生率是多少？');
    await new Promise((r) => setTimeout(r, 50));
    const quickAsked = Date.now();
    ask(quick);
    await answered([quick]);
    expect(Date.now() - quickAsked).toBeLessThan(1000);
    expect(botMessages(run.server, slow.id)).toHaveLength(0);
    await answered([slow], 2);
    const texts = botMessages(run.server, slow.id).map((m) => m.text ?? '');
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain('兴和县');
    expect(texts[1]).toContain('克什克腾旗');
  });
});

describe('handler errors', () => {
  it('logs an unexpected error with the update id, apologizes, and keeps answering', async () => {
    const { createAnswerEngine } = await import('../../src/engine/answer.js');
    const { loadKnowledge } = await import('../../src/knowledge/load.js');
    const { defaultKnowledgeDir } = await import('../../src/knowledge/paths.js');
    const real = createAnswerEngine(loadKnowledge(defaultKnowledgeDir()));
    const engine: AnswerEngine = {
      ...real,
      answer: (question, context) => {
        if (question.includes('炸')) throw new TypeError('the engine tripped');
        return real.answer(question, context);
      },
    };
    const own = await startBot('polling', {}, () => engine);
    try {
      const user = own.server.createUser({ firstName: 'Eve' });
      const { updates } = own.server.sendText(user.id, user, '炸一下');
      own.server.sendText(user.id, user, QUESTION);
      await own.server.waitFor(() => botMessages(own.server, user.id).length >= 2 && own.app.pending() === 0);
      const texts = botMessages(own.server, user.id).map((m) => m.text ?? '');
      expect(texts[0]).toBe(ERROR_TEXT);
      expect(texts[1]).toContain('48%');
      const error = own.logs.find((l) => l.includes('"level":50') && l.includes('the engine tripped'));
      expect(error).toContain(`"update_id":${updates[0]?.update_id}`);
    } finally {
      await own.stop();
    }
  });
});

describe('webhook mode', () => {
  it('answers Telegram’s POST at once, keeps one chat in order, and lets other chats pass a slow one', async () => {
    const hook = await startBot('webhook');
    try {
      const slow = hook.server.createUser({ firstName: 'Slow' });
      const quick = hook.server.createUser({ firstName: 'Quick' });
      hook.server.injectFault({
        method: 'sendMessage',
        chatId: slow.id,
        times: 1,
        fault: { type: 'delay', ms: 1200 },
      });
      hook.server.sendText(slow.id, slow, '兴和县的城镇化率是多少？');
      hook.server.sendText(slow.id, slow, '克什克腾旗的贫困发生率是多少？');
      hook.server.sendText(quick.id, quick, QUESTION);
      await hook.server.waitFor(() => botMessages(hook.server, quick.id).length === 1);
      expect(botMessages(hook.server, slow.id)).toHaveLength(0);
      await hook.server.waitFor(
        () => botMessages(hook.server, slow.id).length === 2 && hook.app.pending() === 0,
      );
      const texts = botMessages(hook.server, slow.id).map((m) => m.text ?? '');
      expect(texts[0]).toContain('兴和县');
      expect(texts[1]).toContain('克什克腾旗');
      // Each POST was answered long before the slow chat's reply (1.2 s) went out.
      expect(hook.server.webhookDeliveries.every((d) => d.ok && d.durationMs < 1000)).toBe(true);
    } finally {
      await hook.stop();
    }
  });
});

describe('polling through faults and stops', () => {
  it('keeps polling through 429, 5xx and dropped connections on getUpdates', async () => {
    const own = await startBot('polling');
    try {
      const user = own.server.createUser({ firstName: 'Poll' });
      own.server.injectFault({ method: 'getUpdates', fault: { type: 'flood', retryAfter: 1 } });
      own.server.injectFault({ method: 'getUpdates', fault: { type: 'server-error', status: 502 } });
      own.server.injectFault({ method: 'getUpdates', fault: { type: 'drop' } });
      own.server.sendText(user.id, user, QUESTION);
      const answer = await own.server.waitForBotMessage(user.id, () => true, { timeoutMs: 8000 });
      expect(answer.text).toContain('48%');
      expect(own.logs.filter((l) => l.includes('getUpdates failed'))).toHaveLength(3);
    } finally {
      await own.stop();
    }
  });

  it('a stop drains the updates in progress, then confirms them', async () => {
    const own = await startBot('polling');
    const user = own.server.createUser({ firstName: 'Drain' });
    own.server.injectFault({ method: 'sendMessage', fault: { type: 'delay', ms: 400 } });
    own.server.sendText(user.id, user, QUESTION);
    await own.server.waitFor(() => own.app.pending() === 1);
    await own.app.stop('drain');
    expect(botMessages(own.server, user.id)).toHaveLength(1);
    expect(own.server.pendingUpdates()).toEqual([]);
    await own.server.close();
  });

  it('a stop that cannot drain in time leaves the rest, says which, and still ends', async () => {
    const own = await startBot('polling', { reliability: { ...TEST_RELIABILITY, drainMs: 200 } });
    const user = own.server.createUser({ firstName: 'Hang' });
    own.server.injectFault({ method: 'sendMessage', fault: { type: 'delay', ms: 2000 } });
    const first = own.server.sendText(user.id, user, QUESTION).updates[0]?.update_id;
    const second = own.server.sendText(user.id, user, '克什克腾旗的贫困发生率是多少？').updates[0]?.update_id;
    await own.server.waitFor(() => own.app.pending() === 2);
    const started = Date.now();
    await own.app.stop('hurry');
    expect(Date.now() - started).toBeLessThan(1500);
    const line = own.logs.find((l) => l.includes('stopped before these updates were handled'));
    expect(line).toContain(`"update_ids":[${first},${second}]`);
    await own.server.close();
  });
});
