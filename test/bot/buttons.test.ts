import { afterEach, describe, expect, it, vi } from 'vitest';
import { INLINE_BUTTON_TEXT, STALE_BUTTON_TEXT } from '../../src/render/texts.js';
import { buttonData, GROUP, harness, sent, USER } from './harness.js';

afterEach(() => vi.restoreAllMocks());

describe('buttons', () => {
  it('answers the press first, then sends the full reply', async () => {
    const h = harness();
    const [answer] = sent(await h.privateText('兴和县的城镇化率是多少？'));
    const full = buttonData(answer).find((d) => d.startsWith('full:'));
    expect(full).toBeDefined();
    const calls = await h.press(full as string);
    expect(calls.map((c) => c.method)).toEqual(['answerCallbackQuery', 'sendMessage']);
    expect(calls[0]?.payload.text).toBeUndefined();
    expect(calls[1]?.payload.text).toContain('刘政');
  });

  it('sends the source for 出处', async () => {
    const h = harness();
    const [msg] = sent(await h.press('src:xh-urbanization-rate-2016'));
    expect(msg?.text).toContain('《内蒙古日报》2017年2月23日');
  });

  it('asks the entry of an ask: button, with its context saved for follow-ups', async () => {
    const h = harness();
    const calls = await h.press('ask:xh-urbanization-rate-2016');
    expect(calls[0]?.method).toBe('answerCallbackQuery');
    expect(sent(calls)[0]?.text).toContain('48%');
    expect(h.logs.at(-1)).toMatchObject({ command: 'button:ask', answered: true });
  });

  it('answers a stale or unknown button politely and sends nothing', async () => {
    const h = harness();
    for (const data of ['full:no-such-entry', 'more:42', 'ask:', '']) {
      const calls = await h.press(data);
      expect(calls).toEqual([
        { method: 'answerCallbackQuery', payload: expect.objectContaining({ text: STALE_BUTTON_TEXT }) },
      ]);
    }
  });

  it('in groups, replies under the message whose button was pressed', async () => {
    const h = harness();
    const [msg] = sent(await h.press('full:xh-urbanization-rate-2016', GROUP, 555));
    expect(msg).toMatchObject({ chat_id: GROUP.id, reply_parameters: { message_id: 555 } });
  });

  it('answers a press on an inline-posted message with a notice, since it cannot write there', async () => {
    const h = harness();
    const calls = await h.send({
      callback_query: {
        id: 'cq-inline',
        from: USER,
        chat_instance: '2',
        inline_message_id: 'AAAA',
        data: 'full:xh-urbanization-rate-2016',
      },
    });
    expect(calls).toEqual([
      {
        method: 'answerCallbackQuery',
        payload: expect.objectContaining({ text: INLINE_BUTTON_TEXT, show_alert: true }),
      },
    ]);
  });

  it('keeps every button of an answer within 64 bytes', async () => {
    const h = harness();
    for (const q of ['兴和县的城镇化率是多少？', '两个地方都谈了什么', '/start']) {
      const messages = sent(await h.privateText(q));
      for (const d of messages.flatMap(buttonData)) expect(Buffer.byteLength(d)).toBeLessThanOrEqual(64);
    }
  });
});
