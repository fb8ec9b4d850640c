import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AnswerEngine } from '../../src/engine/answer.js';
import type { Answer, AskContext } from '../../src/engine/types.js';
import { MAX_MESSAGE_LENGTH, visibleLength } from '../../src/render/telegram.js';
import { NOT_TEXT_TEXT, UNKNOWN_COMMAND_TEXT } from '../../src/render/texts.js';
import { buttonData, engine, harness, sent, USER } from './harness.js';

afterEach(() => vi.restoreAllMocks());

/** The real engine, recording the context each question was asked with. */
function recordingEngine(seen: (AskContext | undefined)[], override?: (q: string) => Answer | undefined) {
  const real = engine();
  const wrapped: AnswerEngine = {
    ...real,
    answer: (question, context) => {
      seen.push(context);
      return override?.(question) ?? real.answer(question, context);
    },
  };
  return () => wrapped;
}

describe('private chat', () => {
  it('welcomes on /start with example questions as buttons', async () => {
    const h = harness();
    const [msg] = sent(await h.privateText('/start'));
    expect(msg?.text).toContain('您好，Alice！');
    const data = buttonData(msg);
    expect(data.length).toBeGreaterThanOrEqual(3);
    for (const d of data) expect(d).toMatch(/^ask:[a-z0-9-]+$/);
  });

  it('answers a deep link /start <entry id> with that entry', async () => {
    const h = harness();
    const [msg] = sent(await h.privateText('/start xh-urbanization-rate-2016'));
    expect(msg?.text).toContain('城镇化率');
    expect(msg?.text).toContain('48%');
  });

  it('explains how to ask on /help, in groups and inline too', async () => {
    const h = harness();
    const [msg] = sent(await h.privateText('/help'));
    expect(msg?.text).toContain('/ask 问题');
    expect(msg?.text).toContain('@MinshengBot 问题');
    expect(msg?.parse_mode).toBe('HTML');
  });

  it('says what it knows and where it comes from on /about and /source', async () => {
    const h = harness();
    for (const command of ['/about', '/source']) {
      const [msg] = sent(await h.privateText(command));
      expect(msg?.text).toContain('内蒙古日报');
      expect(msg?.text).toContain(`${engine().size.entries} 个条目`);
    }
  });

  it('treats any text as a question: typing first, then the cited answer with buttons', async () => {
    const h = harness();
    const calls = await h.privateText('兴和县的城镇化率是多少？');
    expect(calls.map((c) => c.method)).toEqual(['sendChatAction', 'sendMessage']);
    expect(calls[0]?.payload).toMatchObject({ chat_id: USER.id, action: 'typing' });
    const msg = calls[1]?.payload;
    expect(msg?.text).toContain('48%');
    expect(msg?.text).toContain('《内蒙古日报》');
    expect(msg?.reply_parameters).toBeUndefined();
    expect(buttonData(msg)).toContain('src:xh-urbanization-rate-2016');
  });

  it('answers /ask 问题 too, and explains /ask without a question', async () => {
    const h = harness();
    expect(sent(await h.privateText('/ask 兴和县的城镇化率是多少？'))[0]?.text).toContain('48%');
    const [usage] = sent(await h.privateText('/ask'));
    expect(usage?.text).toContain('请在 /ask 后面写上问题');
  });

  it('asks a follow-up with the previous question of the chat as context', async () => {
    const seen: (AskContext | undefined)[] = [];
    const h = harness({ getEngine: recordingEngine(seen) });
    await h.privateText('克什克腾旗的贫困发生率是多少？');
    await h.privateText('那兴和县呢？');
    expect(seen[0]).toBeUndefined();
    expect(seen[1]?.previous).toMatchObject({
      question: '克什克腾旗的贫困发生率是多少？',
      entryId: 'kq-poverty-rate',
      regionId: 'keshiketeng',
    });
  });

  it('keeps the question a follow-up followed, so the next follow-up can follow it too', async () => {
    const seen: (AskContext | undefined)[] = [];
    const h = harness({ getEngine: recordingEngine(seen) });
    await h.privateText('兴和县的城镇化率是多少？');
    await h.privateText('那克什克腾旗呢？');
    await h.privateText('那兴和县呢？');
    // Whatever the engine made of the follow-up, the question carried on is a real one.
    expect(seen[2]?.previous?.question).toMatch(/城镇化率|克什克腾旗/);
  });

  it('keeps follow-up context per chat', async () => {
    const seen: (AskContext | undefined)[] = [];
    const h = harness({ getEngine: recordingEngine(seen) });
    await h.privateText('兴和县的城镇化率是多少？');
    await h.send({
      message: {
        message_id: 1,
        date: 1,
        chat: { id: 77, type: 'private', first_name: 'Bob' },
        from: { id: 77, is_bot: false, first_name: 'Bob' },
        text: '那克什克腾旗呢？',
      },
    });
    expect(seen[1]).toBeUndefined();
  });

  it('splits a reply over 4,096 characters, buttons on the last message only', async () => {
    const real = engine();
    const long = real.answer('兴和县的城镇化率是多少？');
    if (long.kind !== 'answered') throw new Error('expected an answer');
    const lead = '民生工作取得新进展。'.repeat(900);
    const huge: Answer = { ...long, parts: long.parts.map((p) => ({ ...p, lead })) };
    const h = harness({ getEngine: recordingEngine([], () => huge) });
    const messages = sent(await h.privateText('随便问问'));
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(visibleLength(String(m.text))).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(buttonData(messages.at(-1))).not.toEqual([]);
    for (const m of messages.slice(0, -1)) expect(m.reply_markup).toBeUndefined();
  });

  it('escapes user text echoed in a reply', async () => {
    const echo: Answer = {
      kind: 'none',
      question: 'x',
      reason: 'not-reported',
      regionName: '兴和县',
      asked: '<b>GDP</b> & 人口',
      suggestions: [],
      confidence: 0,
    };
    const h = harness({ getEngine: recordingEngine([], () => echo) });
    const [msg] = sent(await h.privateText('<b>GDP</b> & 人口'));
    expect(msg?.parse_mode).toBe('HTML');
    expect(msg?.text).toContain('&lt;b&gt;GDP&lt;/b&gt; &amp; 人口');
  });

  it('says it does not know a command', async () => {
    const h = harness();
    expect(sent(await h.privateText('/weather'))[0]?.text).toBe(UNKNOWN_COMMAND_TEXT);
  });

  it('asks for text when sent a sticker, photo or voice message', async () => {
    const h = harness();
    const chat = { id: USER.id, type: 'private', first_name: 'Alice' };
    const base = { message_id: 5, date: 1, chat, from: USER };
    for (const content of [
      {
        sticker: {
          file_id: 's',
          file_unique_id: 's',
          type: 'regular',
          width: 1,
          height: 1,
          is_animated: false,
        },
      },
      { photo: [{ file_id: 'p', file_unique_id: 'p', width: 1, height: 1 }], caption: '这是什么' },
      { voice: { file_id: 'v', file_unique_id: 'v', duration: 2 } },
    ]) {
      const calls = await h.send({ message: { ...base, ...content } });
      expect(sent(calls)).toEqual([expect.objectContaining({ text: NOT_TEXT_TEXT })]);
    }
  });
});
