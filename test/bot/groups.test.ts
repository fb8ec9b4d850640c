import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AskContext } from '../../src/engine/types.js';
import { UNKNOWN_COMMAND_TEXT } from '../../src/render/texts.js';
import { BOT_INFO, engine, GROUP, harness, sent, USER } from './harness.js';

afterEach(() => vi.restoreAllMocks());

const fromBot = (messageId: number) => ({
  reply_to_message: { message_id: messageId, date: 1, chat: GROUP, from: BOT_INFO, text: '📊 …' },
});

describe('groups', () => {
  it('answers /ask 问题 as a reply to the asker', async () => {
    const h = harness();
    const id = h.nextUserMessageId();
    const calls = await h.groupText('/ask 兴和县的城镇化率是多少？');
    expect(calls.map((c) => c.method)).toEqual(['sendChatAction', 'sendMessage']);
    const [msg] = sent(calls);
    expect(msg).toMatchObject({ chat_id: GROUP.id, reply_parameters: { message_id: id } });
    expect(msg?.text).toContain('48%');
  });

  it('answers /ask@ThisBot 问题, whatever the case of the name', async () => {
    const h = harness();
    expect(sent(await h.groupText('/ask@MinshengBot 兴和县的城镇化率是多少？'))[0]?.text).toContain('48%');
    expect(sent(await h.groupText('/ask@minshengbot 兴和县的城镇化率是多少？'))[0]?.text).toContain('48%');
  });

  it('ignores commands for other bots', async () => {
    const h = harness();
    for (const text of ['/ask@OtherBot 城镇化率', '/start@OtherBot', '/help@OtherBot', '/weather@OtherBot']) {
      expect(await h.groupText(text)).toEqual([]);
    }
    expect(h.logs.at(-1)).toMatchObject({ ignored: 'other-bot' });
  });

  it('ignores unknown commands without a name, which may be for another bot', async () => {
    const h = harness();
    expect(await h.groupText('/weather')).toEqual([]);
    expect(sent(await h.groupText('/weather@MinshengBot'))[0]?.text).toBe(UNKNOWN_COMMAND_TEXT);
  });

  it('explains /ask without a question', async () => {
    const h = harness();
    const [msg] = sent(await h.groupText('/ask'));
    expect(msg?.text).toContain('请在 /ask 后面写上问题');
    expect(msg?.reply_parameters).toBeDefined();
  });

  it('never answers other chatter', async () => {
    const h = harness();
    expect(await h.groupText('今天天气不错')).toEqual([]);
    expect(await h.groupText('兴和县的城镇化率是多少？')).toEqual([]);
    // A reply to another user is chatter too.
    const other = { message_id: 3, date: 1, chat: GROUP, from: { id: 9, is_bot: false, first_name: 'Bob' } };
    expect(await h.groupText('兴和县呢', { reply_to_message: other })).toEqual([]);
  });

  it('answers a reply to one of its messages, with that message as context', async () => {
    const seen: (AskContext | undefined)[] = [];
    const real = engine();
    const h = harness({
      getEngine: () => ({
        ...real,
        answer: (q, c) => {
          seen.push(c);
          return real.answer(q, c);
        },
      }),
    });
    const [first] = sent(await h.groupText('/ask 克什克腾旗的贫困发生率是多少？'));
    expect(first).toBeDefined();
    // Someone else asks in between; the reply follows the message it replies to.
    await h.groupText('/ask 兴和县的城镇化率是多少？');
    const botMessageId = 1000; // the harness numbers the bot's messages from 1000
    const id = h.nextUserMessageId();
    const calls = await h.groupText('那兴和县呢？', fromBot(botMessageId));
    expect(sent(calls)[0]?.reply_parameters).toMatchObject({ message_id: id });
    expect(seen.at(-1)?.previous).toMatchObject({ entryId: 'kq-poverty-rate' });
  });

  it('answers @ThisBot 问题 when it sees it, without the mention in the question', async () => {
    const questions: string[] = [];
    const real = engine();
    const h = harness({
      getEngine: () => ({
        ...real,
        answer: (q, c) => {
          questions.push(q);
          return real.answer(q, c);
        },
      }),
    });
    const [msg] = sent(await h.groupText('@MinshengBot 兴和县的城镇化率是多少？'));
    expect(msg?.text).toContain('48%');
    expect(questions).toEqual(['兴和县的城镇化率是多少？']);
    expect(await h.groupText('@OtherBot 兴和县的城镇化率是多少？')).toEqual([]);
  });

  it('ignores its own inline answers posted into the group', async () => {
    const h = harness();
    expect(await h.groupText('📊 兴和县 · 城镇化率 48%', { via_bot: BOT_INFO })).toEqual([]);
  });

  it('replies to /start, /help and /about in groups under the command', async () => {
    const h = harness();
    for (const command of ['/start@MinshengBot', '/help', '/about@MinshengBot']) {
      const id = h.nextUserMessageId();
      const [msg] = sent(await h.groupText(command));
      expect(msg).toMatchObject({ chat_id: GROUP.id, reply_parameters: { message_id: id } });
    }
  });

  it('keeps answering in a plain group as in a supergroup', async () => {
    const h = harness();
    const calls = await h.send({
      message: {
        message_id: 1,
        date: 1,
        chat: { id: -4000000001, type: 'group', title: 'Small' },
        from: USER,
        text: '/ask 兴和县的城镇化率是多少？',
        entities: [{ type: 'bot_command', offset: 0, length: 4 }],
      },
    });
    expect(sent(calls)[0]?.reply_parameters).toMatchObject({ message_id: 1 });
  });
});
