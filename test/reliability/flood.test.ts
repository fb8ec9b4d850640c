/**
 * Flood control: a user who asks too fast gets one polite notice, then silence until they slow
 * down, and never holds up the other users. Only what the bot would answer counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryFloodStore } from '../../src/bot/flood-store.js';
import { DEFAULT_RELIABILITY } from '../../src/config.js';
import type { TgUser } from '../../src/emulator/bot-api-server.js';
import { floodNoticeText } from '../../src/render/texts.js';
import { BOT_USERNAME, buttonsOf, type Running, startBot, TEST_RELIABILITY } from '../e2e/helpers.js';
import { botMessages } from './helpers.js';

const QUESTION = '兴和县的城镇化率是多少？';
const NOTICE = floodNoticeText(10);
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the in-memory flood store', () => {
  it('allows up to the limit, notices once, stays silent while the flood goes on, and forgives a slower user', async () => {
    const store = createMemoryFloodStore();
    const rule = { maxQuestions: 3, windowMs: 1000 };
    const verdicts = [];
    for (const t of [0, 100, 200, 300, 400, 900, 1150]) verdicts.push(await store.hit('user:1', t, rule));
    expect(verdicts).toEqual(['allow', 'allow', 'allow', 'notice', 'silent', 'silent', 'silent']);
    // Slowed down: fewer than four in the last second again.
    expect(await store.hit('user:1', 2200, rule)).toBe('allow');
    // Other users are counted on their own.
    expect(await store.hit('user:2', 400, rule)).toBe('allow');
  });

  it('tracks a bounded number of users, forgetting the least recent', async () => {
    const store = createMemoryFloodStore({ maxKeys: 2 });
    const rule = { maxQuestions: 1, windowMs: 10_000 };
    await store.hit('a', 0, rule);
    await store.hit('b', 0, rule);
    await store.hit('c', 0, rule);
    expect(store.size).toBe(2);
    // `a` was forgotten: its next question is its first.
    expect(await store.hit('a', 1, rule)).toBe('allow');
  });
});

describe('flood control in the running bot (defaults: 6 questions in 10 s)', () => {
  let run: Running;

  beforeAll(async () => {
    run = await startBot('polling', {
      reliability: { ...TEST_RELIABILITY, flood: DEFAULT_RELIABILITY.flood },
    });
  });

  afterAll(async () => {
    await run?.stop();
  });

  it('one user sending 30 questions in 3 seconds gets the notice once and does not starve the others', async () => {
    const flooder = run.server.createUser({ firstName: 'Flood' });
    const others = Array.from({ length: 6 }, (_, i) => run.server.createUser({ firstName: `Calm${i}` }));
    const latencies: number[] = [];
    for (let i = 0; i < 30; i++) {
      run.server.sendText(flooder.id, flooder, `${QUESTION}（第${i + 1}遍）`);
      if (i % 5 === 2) {
        const other = others[(i - 2) / 5] as TgUser;
        const asked = Date.now();
        run.server.sendText(other.id, other, QUESTION);
        void run.server
          .waitFor(() => botMessages(run.server, other.id).length > 0, 5000)
          .then(() => latencies.push(Date.now() - asked));
      }
      await delay(100);
    }
    await run.server.waitFor(() => latencies.length === others.length && run.app.pending() === 0, 5000);
    await delay(200);

    const texts = botMessages(run.server, flooder.id).map((m) => m.text ?? '');
    expect(texts).toHaveLength(7);
    expect(texts.slice(0, 6).every((t) => t.includes('48%'))).toBe(true);
    expect(texts[6]).toBe(NOTICE);
    for (const other of others) expect(botMessages(run.server, other.id)).toHaveLength(1);
    expect(Math.max(...latencies)).toBeLessThan(1000);
    const silenced = run.logs.filter((l) => l.includes('"ignored":"flood"'));
    expect(silenced).toHaveLength(23);
  });

  it('in a group: the notice is a reply to the flooder, once; the group’s other members and chatter are unaffected', async () => {
    const flooder = run.server.createUser({ firstName: 'Loud' });
    const member = run.server.createUser({ firstName: 'Quiet' });
    const group = run.server.createGroup({
      title: '热闹群',
      members: [flooder, member],
      admins: [BOT_USERNAME],
    });
    // Chatter the admin bot sees, but does not answer, counts for nothing.
    for (let i = 0; i < 10; i++) run.server.sendText(group.id, flooder, `闲聊${i}`);
    const asks = [];
    for (let i = 0; i < 9; i++) {
      asks.push(run.server.sendText(group.id, flooder, `/ask ${QUESTION}`).message.message_id);
    }
    const memberAsk = run.server.sendText(group.id, member, `/ask ${QUESTION}`).message.message_id;
    await run.server.waitFor(() => botMessages(run.server, group.id).length >= 8 && run.app.pending() === 0);
    await delay(200);
    const replies = botMessages(run.server, group.id);
    expect(replies).toHaveLength(8);
    const notice = replies.filter((m) => m.text === NOTICE);
    expect(notice).toHaveLength(1);
    expect(notice[0]?.reply_to_message?.message_id).toBe(asks[6]);
    expect(replies.some((m) => m.reply_to_message?.message_id === memberAsk && m.text?.includes('48%'))).toBe(
      true,
    );
  });
});

describe('slowing down', () => {
  let run: Running;

  beforeAll(async () => {
    run = await startBot('polling', {
      reliability: { ...TEST_RELIABILITY, flood: { maxQuestions: 3, windowMs: 600 } },
    });
  });

  afterAll(async () => {
    await run?.stop();
  });

  it('answers again once the user slows down, and a new flood earns a new notice', async () => {
    const user = run.server.createUser({ firstName: 'Again' });
    const burst = async () => {
      for (let i = 0; i < 5; i++) run.server.sendText(user.id, user, QUESTION);
      await run.server.waitFor(() => run.server.pendingUpdates().length === 0 && run.app.pending() === 0);
      await delay(50);
    };
    await burst();
    expect(botMessages(run.server, user.id).map((m) => m.text === floodNoticeText(1))).toEqual([
      false,
      false,
      false,
      true,
    ]);
    await delay(700);
    await burst();
    const texts = botMessages(run.server, user.id).map((m) => m.text === floodNoticeText(1));
    expect(texts).toEqual([false, false, false, true, false, false, false, true]);
  });

  it('a pressed button in a flood is answered (the spinner stops) without a message', async () => {
    const user = run.server.createUser({ firstName: 'Presser' });
    run.server.sendText(user.id, user, QUESTION);
    const answer = await run.server.waitForBotMessage(user.id);
    await delay(700);
    const data = buttonsOf(answer).find((d) => d.startsWith('src:')) as string;
    const queries = Array.from({ length: 5 }, () =>
      run.server.pressButton(user.id, answer.message_id, data, user),
    );
    await run.server.waitFor(() => queries.every((q) => run.server.callbackAnswer(q.queryId) !== undefined));
    const answers = queries.map((q) => run.server.callbackAnswer(q.queryId)?.text);
    expect(answers).toEqual([undefined, undefined, undefined, floodNoticeText(1), undefined]);
    // Three sources sent; the fourth and fifth presses sent nothing.
    await delay(100);
    expect(botMessages(run.server, user.id)).toHaveLength(4);
  });
});
