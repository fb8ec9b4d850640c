import { TelegramError } from 'telegraf';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnswerEngine } from '../../src/engine/answer.js';
import { ERROR_TEXT } from '../../src/render/texts.js';
import { engine, harness, sent, TOKEN } from './harness.js';

afterEach(() => vi.restoreAllMocks());

describe('the update log', () => {
  it('writes one line per update: id, type, chat type, command, latency, entries, answered', async () => {
    const h = harness();
    await h.privateText('兴和县的城镇化率是多少？');
    await h.groupText('/ask 兴和县的GDP是多少');
    await h.groupText('随便聊聊');
    expect(h.logs).toHaveLength(3);
    const [answered, declined, chatter] = h.logs;
    expect(answered).toMatchObject({
      update_id: 1,
      update_type: 'message',
      chat_type: 'private',
      command: 'text',
      answered: true,
      entries: ['xh-urbanization-rate-2016'],
      sent: 1,
      msg: 'update handled',
    });
    expect(typeof answered?.latency_ms).toBe('number');
    expect(declined).toMatchObject({
      update_id: 2,
      chat_type: 'supergroup',
      command: 'ask',
      answered: false,
    });
    expect(chatter).toMatchObject({ update_id: 3, ignored: 'chatter', msg: 'update ignored' });
  });

  it('logs no user names, ids or question text', async () => {
    const h = harness();
    await h.privateText('兴和县的城镇化率是多少？');
    const line = JSON.stringify(h.logs);
    expect(line).not.toContain('Alice');
    expect(line).not.toContain('"42"');
    expect(line).not.toContain('城镇化率是多少');
  });

  it('logs a failed reply with the update id, apologizes, and never rethrows', async () => {
    const h = harness({
      fail: (call) =>
        call.method === 'sendMessage' && String(call.payload.text).includes('48%')
          ? new TelegramError({ error_code: 400, description: "Bad Request: can't parse entities" })
          : undefined,
    });
    const calls = await h.privateText('兴和县的城镇化率是多少？');
    expect(sent(calls).at(-1)?.text).toBe(ERROR_TEXT);
    const error = h.logs.find((l) => l.level === 50);
    expect(error).toMatchObject({ update_id: 1, msg: 'update failed' });
    expect(h.logs.at(-1)).toMatchObject({ update_id: 1, failed: true });
    expect(JSON.stringify(h.logs)).not.toContain(TOKEN);
  });

  it('takes a user who blocked the bot as a warning', async () => {
    const h = harness({
      fail: (call) =>
        call.method === 'sendMessage'
          ? new TelegramError({ error_code: 403, description: 'Forbidden: bot was blocked by the user' })
          : undefined,
    });
    await h.privateText('兴和县的城镇化率是多少？');
    expect(h.logs.find((l) => l.msg === 'Telegram refused the reply')).toMatchObject({
      level: 40,
      update_id: 1,
    });
    expect(h.logs.some((l) => l.level === 50)).toBe(false);
  });

  it('asks the engine in service at each update, so a reload can swap it', async () => {
    let current: AnswerEngine = engine();
    const h = harness({ getEngine: () => current });
    expect(sent(await h.privateText('兴和县的城镇化率是多少？'))[0]?.text).toContain('48%');
    current = {
      ...engine(),
      answer: (q) => ({ kind: 'none', question: q, reason: 'off-topic', suggestions: [], confidence: 0 }),
    };
    expect(sent(await h.privateText('兴和县的城镇化率是多少？'))[0]?.text).toContain('抱歉');
  });
});

describe('onUnanswered', () => {
  it('reports declined and ambiguous questions, without user data, and not small talk', async () => {
    const h = harness({ now: () => Date.UTC(2024, 0, 2, 3, 4, 5) });
    await h.privateText('兴和县的城镇化率是多少？');
    await h.privateText('你好');
    await h.groupText('/ask 兴和县的GDP是多少');
    const real = engine();
    const amb = harness({
      getEngine: () => ({
        ...real,
        answer: (q) => ({
          kind: 'ambiguous',
          question: q,
          prompt: '哪一个？',
          options: real.examples().slice(0, 2),
          confidence: 0.6,
          best: { id: real.examples()[0]?.id ?? '', score: 12.5 },
        }),
      }),
    });
    await amb.privateText('民生');
    expect(h.unanswered).toEqual([
      {
        question: '兴和县的GDP是多少',
        time: '2024-01-02T03:04:05.000Z',
        chatType: 'supergroup',
        kind: 'none',
        reason: 'not-reported',
        ...(h.unanswered[0]?.best ? { best: h.unanswered[0].best } : {}),
      },
    ]);
    expect(amb.unanswered).toEqual([
      expect.objectContaining({
        question: '民生',
        kind: 'ambiguous',
        chatType: 'private',
        best: { id: real.examples()[0]?.id, score: 12.5 },
      }),
    ]);
    expect(JSON.stringify([h.unanswered, amb.unanswered])).not.toContain('Alice');
  });

  it('still replies when the listener throws', async () => {
    const h = harness({
      onUnanswered: () => {
        throw new Error('disk full');
      },
    });
    expect(sent(await h.groupText('/ask 兴和县的GDP是多少'))).toHaveLength(1);
  });
});
