import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TgUser } from '../../src/emulator/bot-api-server.js';
import { BOT_USERNAME, buttonsOf, OTHER_TOKEN, type Running, SECRET, startBot, TOKEN } from './helpers.js';

let run: Running;
let alice: TgUser;
let base: string;

beforeAll(async () => {
  run = await startBot('webhook');
  alice = run.server.createUser({ firstName: 'Alice' });
  base = `http://127.0.0.1:${run.app.address?.port}`;
});

afterAll(async () => {
  await run?.stop();
});

const post = (path: string, body: unknown, secret?: string) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(secret === undefined ? {} : { 'x-telegram-bot-api-secret-token': secret }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('webhook mode against the emulator', () => {
  it('registers the webhook with its secret and the update kinds it wants', () => {
    const info = run.server.webhookInfo();
    expect(info.url).toBe(`${base}/telegram/hook`);
    const call = run.server.calls.find((c) => c.method === 'setWebhook');
    expect(call?.params).toMatchObject({ secret_token: SECRET });
    expect(call?.params.drop_pending_updates).not.toBe(true);
    expect(run.server.commandsOf(TOKEN, { type: 'all_group_chats' }).map((c) => c.command)).toContain('ask');
  });

  it('answers updates Telegram posts with the right secret', async () => {
    const chat = run.server.privateChat(alice);
    run.server.sendText(chat.id, alice, '兴和县的城镇化率是多少？');
    const answer = await run.server.waitForBotMessage(chat.id);
    expect(answer.text).toContain('48%');
    // The update is answered before the POST is: the delivery is recorded once the bot has replied.
    const delivery = await run.server.waitFor(() => run.server.lastWebhookDelivery());
    expect(delivery).toMatchObject({ ok: true, status: 200, secretTokenSent: true });

    const src = buttonsOf(answer).find((d) => d.startsWith('src:')) as string;
    const { queryId } = run.server.pressButton(chat.id, answer.message_id, src, alice);
    const source = await run.server.waitForBotMessage(chat.id, (m) => m.message_id > answer.message_id);
    expect(source.text).toContain('《内蒙古日报》');
    // With webhookReply off, the answer to the press is its own call, seen and checked.
    expect(run.server.callbackAnswer(queryId)).toBeDefined();
  });

  it('answers groups and inline queries over the webhook too', async () => {
    const group = run.server.createGroup({ title: '群', members: [alice], bots: [TOKEN, OTHER_TOKEN] });
    const asked = run.server.sendText(group.id, alice, `/ask@${BOT_USERNAME} 克什克腾旗的贫困发生率是多少？`);
    const answer = await run.server.waitForBotMessage(group.id);
    expect(answer.reply_to_message?.message_id).toBe(asked.message.message_id);
    const { queryId } = run.server.inlineQuery(alice, '城镇化率');
    await run.server.waitFor(() => run.server.inlineAnswer(queryId));
  });

  it('refuses updates without the right secret, and sends nothing for them', async () => {
    const update = {
      update_id: 999_001,
      message: {
        message_id: 1,
        date: 1,
        chat: { id: alice.id, type: 'private', first_name: 'Alice' },
        from: alice,
        text: '兴和县的城镇化率是多少？',
      },
    };
    const mark = run.server.mark();
    expect((await post('/telegram/hook', update)).status).toBe(401);
    expect((await post('/telegram/hook', update, 'wrong')).status).toBe(401);
    expect((await post('/telegram/hook', update, `${SECRET}x`)).status).toBe(401);
    expect(run.server.calls.filter((c) => c.seq > mark)).toEqual([]);
    expect(run.logs.some((l) => l.includes('without the right secret'))).toBe(true);
  });

  it('refuses a webhook Telegram posts with a wrong secret', async () => {
    // Someone re-registers the webhook with another secret: Telegram's posts must now be refused.
    await fetch(`${run.server.apiRoot}/bot${TOKEN}/setWebhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${base}/telegram/hook`, secret_token: 'someone_else' }),
    });
    const chat = run.server.privateChat(alice);
    const before = run.server.messagesIn(chat.id).length;
    run.server.sendText(chat.id, alice, '兴和县的城镇化率是多少？');
    await run.server.waitFor(
      () => run.server.lastWebhookDelivery()?.status === 401 && run.server.lastWebhookDelivery(),
    );
    expect(run.server.messagesIn(chat.id).length).toBe(before + 1);
    // Put the right secret back for the tests after this one.
    await fetch(`${run.server.apiRoot}/bot${TOKEN}/setWebhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${base}/telegram/hook`, secret_token: SECRET }),
    });
  });

  it('accepts POSTs only at the webhook path, and JSON updates only', async () => {
    expect((await post('/other', {}, SECRET)).status).toBe(404);
    expect((await post('/telegram/hook/', {}, SECRET)).status).toBe(404);
    expect((await fetch(`${base}/telegram/hook`)).status).toBe(405);
    expect((await post('/telegram/hook', '{not json', SECRET)).status).toBe(400);
    expect((await post('/telegram/hook', { hello: 1 }, SECRET)).status).toBe(400);
  });

  it('serves /healthz with the size of the knowledge', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      entries: expect.any(Number),
      facts: expect.any(Number),
    });
  });

  it('never logs the token or the secret', () => {
    for (const line of run.logs) {
      expect(line).not.toContain(TOKEN.split(':')[1]);
      expect(line).not.toContain(SECRET);
    }
  });

  it('stops: the server closes, the webhook stays registered for the next start', async () => {
    await run.app.stop('test');
    await run.app.stop('again');
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    expect(run.server.webhookInfo().url).toBe(`${base}/telegram/hook`);
  });
});
