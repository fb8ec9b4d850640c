import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Telegraf, TelegramError } from 'telegraf';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type BotApiServer,
  createBotApiServer,
  EmulatorError,
  generateBotToken,
  type TgUser,
} from '../../src/emulator/bot-api-server.js';
import { detectEntities } from '../../src/emulator/entities.js';
import { parseTelegramHtml } from '../../src/emulator/html.js';

const TOKEN = generateBotToken(7_000_000_001);
const OTHER_TOKEN = generateBotToken(7_000_000_002);

let server: BotApiServer;
let alice: TgUser;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  server = await createBotApiServer({
    bots: [{ token: TOKEN, username: 'minsheng_test_bot', firstName: 'Minsheng' }],
  });
  alice = server.createUser({ firstName: 'Alice', username: 'alice_w' });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await server.close();
});

interface ApiBody {
  ok: boolean;
  result?: unknown;
  description?: string;
  error_code?: number;
  parameters?: { retry_after?: number };
}

async function api(
  method: string,
  params: Record<string, unknown> = {},
  token = TOKEN,
): Promise<{ status: number; body: ApiBody }> {
  const res = await fetch(`${server.apiRoot}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  return { status: res.status, body: (await res.json()) as ApiBody };
}

/** Launches a real Telegraf bot in polling mode against the emulator and stops it after the test. */
async function launch(bot: Telegraf): Promise<void> {
  let running: Promise<void> | undefined;
  await new Promise<void>((resolve, reject) => {
    running = bot.launch({ dropPendingUpdates: false }, () => resolve());
    running.catch(reject);
  });
  cleanups.push(async () => {
    bot.stop('test over');
    await running?.catch(() => undefined);
  });
}

function newTelegraf(token = TOKEN): Telegraf {
  return new Telegraf(token, { telegram: { apiRoot: server.apiRoot } });
}

describe('HTTP protocol', () => {
  it('answers getMe, case-insensitively, with the getMe-only fields', async () => {
    const { status, body } = await api('getme');
    expect(status).toBe(200);
    expect(body).toEqual({
      ok: true,
      result: {
        id: 7_000_000_001,
        is_bot: true,
        first_name: 'Minsheng',
        username: 'minsheng_test_bot',
        can_join_groups: true,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
        can_connect_to_business: false,
        has_main_web_app: false,
      },
    });
    expect(server.calls.at(-1)?.method).toBe('getMe');
  });

  it('rejects unknown and malformed tokens and unknown methods like Telegram', async () => {
    expect(await api('getMe', {}, generateBotToken(123))).toEqual({
      status: 401,
      body: { ok: false, error_code: 401, description: 'Unauthorized' },
    });
    expect((await api('getMe', {}, 'not-a-token')).body.description).toBe(
      'Unauthorized: invalid token specified',
    );
    expect(await api('sendMesage', { chat_id: 1, text: 'x' })).toEqual({
      status: 404,
      body: { ok: false, error_code: 404, description: 'Not Found' },
    });
  });

  it('accepts urlencoded forms and query strings, and records real methods it does not model', async () => {
    server.privateChat(alice);
    const form = await fetch(`${server.apiRoot}/bot${TOKEN}/sendMessage?chat_id=${alice.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ text: 'from a form' }),
    });
    expect(((await form.json()) as { result: { text: string } }).result.text).toBe('from a form');
    expect((await api('setMyDescription', { description: 'hi' })).body).toEqual({ ok: true, result: true });
    expect(server.calls.at(-1)).toMatchObject({ method: 'setMyDescription', params: { description: 'hi' } });
  });
});

describe('getUpdates', () => {
  it('confirms updates with offset, honours limit and negative offsets', async () => {
    for (const text of ['one', 'two', 'three']) server.sendText(alice.id, alice, text);
    const first = await api('getUpdates', { limit: 2 });
    const ids = (first.body.result as { update_id: number }[]).map((u) => u.update_id);
    expect(ids).toEqual([1, 2]);
    // Without an offset nothing is confirmed.
    expect((await api('getUpdates')).body.result).toHaveLength(3);
    const after = await api('getUpdates', { offset: 3 });
    expect((after.body.result as { update_id: number }[]).map((u) => u.update_id)).toEqual([3]);
    expect(server.pendingUpdates()).toHaveLength(1);
    server.sendText(alice.id, alice, 'four');
    server.sendText(alice.id, alice, 'five');
    const last = await api('getUpdates', { offset: -1 });
    expect((last.body.result as { update_id: number }[]).map((u) => u.update_id)).toEqual([5]);
  });

  it('returns a long poll as soon as an update arrives', async () => {
    const started = Date.now();
    const poll = api('getUpdates', { timeout: 10 });
    setTimeout(() => server.sendText(alice.id, alice, 'hello'), 30);
    const { body } = await poll;
    expect(Date.now() - started).toBeLessThan(1000);
    expect((body.result as { message: { text: string } }[])[0]?.message.text).toBe('hello');
  });

  it('terminates the older of two concurrent long polls with 409', async () => {
    const older = api('getUpdates', { timeout: 10 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const newer = api('getUpdates', { timeout: 10 });
    expect(await older).toEqual({
      status: 409,
      body: {
        ok: false,
        error_code: 409,
        description:
          'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      },
    });
    server.sendText(alice.id, alice, 'for the newer one');
    expect((await newer).body.result).toHaveLength(1);
  });

  it('refuses getUpdates while a webhook is set', async () => {
    await api('setWebhook', { url: 'http://127.0.0.1:9/hook' });
    expect((await api('getUpdates')).body).toEqual({
      ok: false,
      error_code: 409,
      description:
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    });
  });

  it('remembers allowed_updates and withholds updates of other types', async () => {
    await api('getUpdates', { allowed_updates: ['callback_query'] });
    const sent = server.sendText(alice.id, alice, 'not wanted');
    expect(sent.deliveredTo).toEqual([]);
    expect(server.withheld.at(-1)).toMatchObject({ reason: 'allowed_updates', updateType: 'message' });
    await api('getUpdates', { allowed_updates: [] });
    expect(server.sendText(alice.id, alice, 'wanted again').deliveredTo).toHaveLength(1);
  });

  it('ends pending long polls promptly on close()', async () => {
    const poll = api('getUpdates', { timeout: 30 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const started = Date.now();
    await server.close();
    expect((await poll).body).toEqual({ ok: true, result: [] });
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('HTML parse mode', () => {
  it('computes plain text and entities', async () => {
    server.privateChat(alice);
    const { body } = await api('sendMessage', {
      chat_id: alice.id,
      parse_mode: 'HTML',
      text: '<b>Bold</b> &amp; <a href="https://example.com">link</a> <pre><code class="language-ts">x</code></pre>',
    });
    expect(body.result).toMatchObject({
      text: 'Bold & link x',
      entities: [
        { type: 'bold', offset: 0, length: 4 },
        { type: 'text_link', offset: 7, length: 4, url: 'https://example.com/' },
        { type: 'pre', offset: 12, length: 1, language: 'ts' },
      ],
    });
  });

  it('reports Telegram error texts with byte offsets', async () => {
    server.privateChat(alice);
    const send = async (text: string) =>
      (await api('sendMessage', { chat_id: alice.id, text, parse_mode: 'HTML' })).body.description;
    expect(await send('Hello world <foo>x</foo>')).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 12',
    );
    expect(await send('<b>open')).toBe(
      'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
    );
    expect(await send('1 < 2')).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2',
    );
    expect(await send('Привет <b')).toBe(
      "Bad Request: can't parse entities: Unclosed start tag at byte offset 13",
    );
    expect(await send('<b>x</i>')).toBe(
      'Bad Request: can\'t parse entities: Unmatched end tag at byte offset 4, expected "</b>", found "</i>"',
    );
    expect(await send('<b> </b>')).toBe('Bad Request: message text is empty');
    expect((await api('sendMessage', { chat_id: alice.id, text: '' })).body.description).toBe(
      'Bad Request: message text is empty',
    );
  });

  it('keeps a bare & like Telegram but records a warning', async () => {
    server.privateChat(alice);
    const { body } = await api('sendMessage', {
      chat_id: alice.id,
      text: 'R&D <i>x</i>',
      parse_mode: 'HTML',
    });
    expect(body.result).toMatchObject({ text: 'R&D x' });
    expect(server.calls.at(-1)?.warnings?.[0]).toMatch(/bare '&' at byte offset 1/);
  });

  it('checks the 4096 limit on the text after parsing', async () => {
    server.privateChat(alice);
    const tagged = `<b>${'x'.repeat(4000)}</b>${'<i></i>'.repeat(200)}`;
    expect((await api('sendMessage', { chat_id: alice.id, text: tagged, parse_mode: 'HTML' })).body.ok).toBe(
      true,
    );
    expect((await api('sendMessage', { chat_id: alice.id, text: 'y'.repeat(4097) })).body.description).toBe(
      'Bad Request: message is too long',
    );
  });

  it('parses like TDLib in the unit cases', () => {
    expect(parseTelegramHtml('&lt;3 &#x1F600; &quot;q&quot; AT&T')).toMatchObject({
      ok: true,
      text: '<3 😀 "q" AT&T',
    });
    expect(parseTelegramHtml('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>')).toMatchObject({
      entities: [
        { type: 'spoiler', offset: 0, length: 1 },
        { type: 'spoiler', offset: 1, length: 1 },
      ],
    });
    expect(parseTelegramHtml('<span class="x">s</span>')).toEqual({
      ok: false,
      error: 'Tag "span" must have class "tg-spoiler" at byte offset 0',
    });
    expect(parseTelegramHtml('<blockquote expandable>q</blockquote>')).toMatchObject({
      entities: [{ type: 'expandable_blockquote', offset: 0, length: 1 }],
    });
    expect(parseTelegramHtml('😀<u>é</u>')).toMatchObject({
      entities: [{ type: 'underline', offset: 2, length: 1 }],
    });
  });
});

describe('reply markup and edits', () => {
  beforeEach(() => {
    server.privateChat(alice);
  });

  it('limits callback_data to 64 bytes', async () => {
    const keyboard = (data: string) => ({ inline_keyboard: [[{ text: 'go', callback_data: data }]] });
    // 16 four-byte characters are exactly 64 bytes.
    const ok = await api('sendMessage', {
      chat_id: alice.id,
      text: 'a',
      reply_markup: keyboard('😀'.repeat(16)),
    });
    expect(ok.body.ok).toBe(true);
    const tooLong = await api('sendMessage', {
      chat_id: alice.id,
      text: 'a',
      reply_markup: keyboard('x'.repeat(65)),
    });
    expect(tooLong.body).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: BUTTON_DATA_INVALID',
    });
    const textOnly = await api('sendMessage', {
      chat_id: alice.id,
      text: 'a',
      reply_markup: { inline_keyboard: [[{ text: 'no action' }]] },
    });
    expect(textOnly.body.description).toBe(
      "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    );
    const notJson = await api('sendMessage', { chat_id: alice.id, text: 'a', reply_markup: '{oops' });
    expect(notJson.body.description).toBe("Bad Request: can't parse reply keyboard markup JSON object");
  });

  it('refuses identical edits and drops the keyboard when an edit omits it', async () => {
    const markup = { inline_keyboard: [[{ text: 'More', callback_data: 'more' }]] };
    const sent = await api('sendMessage', { chat_id: alice.id, text: 'v1', reply_markup: markup });
    const id = (sent.body.result as { message_id: number }).message_id;
    const same = await api('editMessageText', {
      chat_id: alice.id,
      message_id: id,
      text: 'v1',
      reply_markup: markup,
    });
    expect(same.body.description).toBe(
      'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    );
    const edited = await api('editMessageText', { chat_id: alice.id, message_id: id, text: 'v1' });
    expect(edited.body.result).not.toHaveProperty('reply_markup');
    expect(server.messagesIn(alice.id).at(-1)).toMatchObject({ text: 'v1', edit_date: expect.any(Number) });
    expect(
      (await api('editMessageText', { chat_id: alice.id, message_id: 999, text: 'x' })).body.description,
    ).toBe('Bad Request: message to edit not found');
    const userMessage = server.sendText(alice.id, alice, 'mine').message.message_id;
    expect(
      (await api('editMessageText', { chat_id: alice.id, message_id: userMessage, text: 'x' })).body
        .description,
    ).toBe("Bad Request: message can't be edited");
  });

  it('checks reply targets, in reply_to_message_id and reply_parameters', async () => {
    const question = server.sendText(alice.id, alice, 'question?').message.message_id;
    const reply = await api('sendMessage', {
      chat_id: alice.id,
      text: 'answer',
      reply_to_message_id: question,
    });
    expect(reply.body.result).toMatchObject({
      reply_to_message: { message_id: question, text: 'question?' },
    });
    expect(
      (await api('sendMessage', { chat_id: alice.id, text: 'x', reply_to_message_id: 404 })).body.description,
    ).toBe('Bad Request: message to be replied not found');
    const lenient = await api('sendMessage', {
      chat_id: alice.id,
      text: 'x',
      reply_parameters: { message_id: 404, allow_sending_without_reply: true },
    });
    expect(lenient.body.ok).toBe(true);
    expect(
      (await api('sendMessage', { chat_id: alice.id, text: 'x', reply_parameters: { message_id: 404 } })).body
        .description,
    ).toBe('Bad Request: message to be replied not found');
  });

  it('reports unknown chats, bots that cannot start chats and blocked bots', async () => {
    expect((await api('sendMessage', { chat_id: -100123, text: 'x' })).body.description).toBe(
      'Bad Request: chat not found',
    );
    const bob = server.createUser({ firstName: 'Bob' });
    expect((await api('sendMessage', { chat_id: bob.id, text: 'x' })).body).toEqual({
      ok: false,
      error_code: 403,
      description: "Forbidden: bot can't initiate conversation with a user",
    });
    server.blockBot(alice);
    expect((await api('sendMessage', { chat_id: alice.id, text: 'x' })).body).toEqual({
      ok: false,
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    expect(server.pendingUpdates().at(-1)).toMatchObject({
      my_chat_member: { new_chat_member: { status: 'kicked' } },
    });
  });
});

describe('callback and inline queries', () => {
  it('delivers button presses and accepts one answer per query', async () => {
    server.privateChat(alice);
    const sent = await api('sendMessage', {
      chat_id: alice.id,
      text: 'pick',
      reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'pick:a' }]] },
    });
    const id = (sent.body.result as { message_id: number }).message_id;
    expect(() => server.pressButton(alice.id, id, 'pick:b', alice)).toThrow(EmulatorError);
    const { queryId, update } = server.pressButton(alice.id, id, 'pick:a', alice);
    expect(update?.callback_query).toMatchObject({
      id: queryId,
      data: 'pick:a',
      message: { message_id: id },
    });
    expect((await api('answerCallbackQuery', { callback_query_id: queryId, text: 'ok' })).body.result).toBe(
      true,
    );
    expect(server.callbackAnswer(queryId)).toEqual({ text: 'ok', showAlert: false });
    const again = await api('answerCallbackQuery', { callback_query_id: queryId });
    expect(again.body.description).toBe(
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    );
  });

  it('validates inline query answers', async () => {
    const token = generateBotToken(7_000_000_003);
    server.addBot({ token, username: 'inline_test_bot', firstName: 'Inline', supportsInlineQueries: true });
    const { queryId } = server.inlineQuery(alice, 'poverty', { bot: token });
    const article = (id: string) => ({
      type: 'article',
      id,
      title: id,
      input_message_content: { message_text: `<b>${id}</b>`, parse_mode: 'HTML' },
    });
    const many = Array.from({ length: 51 }, (_, i) => article(`r${i}`));
    const tooMany = await api('answerInlineQuery', { inline_query_id: queryId, results: many }, token);
    expect(tooMany.body.description).toBe('Bad Request: RESULTS_TOO_MUCH');
    const duplicate = await api(
      'answerInlineQuery',
      { inline_query_id: queryId, results: [article('x'), article('x')] },
      token,
    );
    expect(duplicate.body.description).toBe('Bad Request: RESULT_ID_DUPLICATE');
    const fine = await api('answerInlineQuery', { inline_query_id: queryId, results: [article('x')] }, token);
    expect(fine.body.result).toBe(true);
    expect(server.inlineAnswer(queryId, token)).toHaveLength(1);
  });
});

describe('privacy mode', () => {
  it('withholds group chatter and delivers what Telegram would', () => {
    const group = server.createGroup({ title: 'Village', members: [alice], bots: [TOKEN] });
    const chatter = server.sendText(group.id, alice, 'just chatting');
    expect(chatter.deliveredTo).toEqual([]);
    expect(chatter.withheldFrom.map((b) => b.username)).toEqual(['minsheng_test_bot']);
    expect(server.withheld.at(-1)).toMatchObject({ reason: 'privacy_mode', chatId: group.id });
    expect(server.sendText(group.id, alice, '/help@minsheng_test_bot').deliveredTo).toHaveLength(1);
    expect(server.sendText(group.id, alice, '/help@someone_else_bot').deliveredTo).toEqual([]);
    expect(server.sendText(group.id, alice, '/help').deliveredTo).toHaveLength(1);
    expect(server.sendText(group.id, alice, 'hi @minsheng_test_bot').deliveredTo).toEqual([]);
    server.setPrivacyMode(TOKEN, false);
    expect(server.sendText(group.id, alice, 'now visible').deliveredTo).toHaveLength(1);
  });

  it('delivers replies to the bot and bare commands only to the last bot that spoke', async () => {
    server.addBot({ token: OTHER_TOKEN, username: 'other_test_bot', firstName: 'Other' });
    const group = server.createGroup({ title: 'Two bots', members: [alice], bots: [TOKEN, OTHER_TOKEN] });
    const sent = await api('sendMessage', { chat_id: group.id, text: 'I am here' });
    const botMessage = (sent.body.result as { message_id: number }).message_id;
    expect(server.withheld.at(-1)).toMatchObject({ reason: 'from_bot', bot: { username: 'other_test_bot' } });
    const reply = server.sendText(group.id, alice, 'thanks', { replyTo: botMessage });
    expect(reply.deliveredTo.map((b) => b.username)).toEqual(['minsheng_test_bot']);
    const bare = server.sendText(group.id, alice, '/start');
    expect(bare.deliveredTo.map((b) => b.username)).toEqual(['minsheng_test_bot']);
    expect(bare.withheldFrom.map((b) => b.username)).toEqual(['other_test_bot']);
  });

  it('computes entities of user messages like Telegram', () => {
    const sent = server.sendText(
      alice.id,
      alice,
      '/start@minsheng_test_bot hi @alice_w #扶贫 see https://example.com.',
    );
    expect(sent.message.entities).toEqual([
      { type: 'bot_command', offset: 0, length: 24 },
      { type: 'mention', offset: 28, length: 8 },
      { type: 'hashtag', offset: 37, length: 3 },
      { type: 'url', offset: 45, length: 19 },
    ]);
    expect(detectEntities('a/b /x/ /ok')).toEqual([{ type: 'bot_command', offset: 8, length: 3 }]);
  });
});

describe('fault injection and limits', () => {
  beforeEach(() => {
    server.privateChat(alice);
  });

  it('answers 429 with retry_after, then behaves again', async () => {
    const fault = server.injectFault({ method: 'sendMessage', fault: { type: 'flood', retryAfter: 7 } });
    expect(await api('sendMessage', { chat_id: alice.id, text: 'x' })).toEqual({
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 7',
        parameters: { retry_after: 7 },
      },
    });
    expect(fault.hits).toBe(1);
    expect((await api('sendMessage', { chat_id: alice.id, text: 'x' })).body.ok).toBe(true);
    expect(server.messagesIn(alice.id)).toHaveLength(1);
  });

  it('sends 5xx, drops connections, and can lose the answer after the effect', async () => {
    server.injectFault({ method: 'getMe', fault: { type: 'server-error', status: 502 } });
    const bad = await fetch(`${server.apiRoot}/bot${TOKEN}/getMe`);
    expect([bad.status, bad.statusText]).toEqual([502, 'Bad Gateway']);
    server.injectFault({ method: 'getMe', fault: { type: 'drop' } });
    await expect(api('getMe')).rejects.toThrow();
    server.injectFault({ method: 'sendMessage', fault: { type: 'drop-after' } });
    await expect(api('sendMessage', { chat_id: alice.id, text: 'sent twice?' })).rejects.toThrow();
    expect(server.messagesIn(alice.id).map((m) => m.text)).toEqual(['sent twice?']);
  });

  it('delays responses and applies rules by chat', async () => {
    server.injectFault({ method: 'getMe', fault: { type: 'delay', ms: 80 } });
    const started = Date.now();
    expect((await api('getMe')).body.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
    server.injectFault({ chatId: alice.id, times: Number.POSITIVE_INFINITY, fault: { type: 'forbidden' } });
    expect((await api('sendChatAction', { chat_id: alice.id, action: 'typing' })).body.description).toBe(
      'Forbidden: bot was blocked by the user',
    );
    server.clearFaults();
    expect((await api('sendChatAction', { chat_id: alice.id, action: 'typing' })).body.ok).toBe(true);
    expect((await api('sendChatAction', { chat_id: alice.id, action: 'dancing' })).body.description).toBe(
      'Bad Request: wrong parameter action in request',
    );
  });

  it('enforces Telegram flood limits and counts violations', async () => {
    let now = 1_700_000_000_000;
    await server.close();
    server = await createBotApiServer({
      bots: [{ token: TOKEN, username: 'minsheng_test_bot', firstName: 'Minsheng' }],
      telegramLimits: true,
      clock: () => now,
    });
    alice = server.createUser({ firstName: 'Alice' });
    server.privateChat(alice);
    const group = server.createGroup({ title: 'Busy', bots: [TOKEN] });
    for (let i = 0; i < 20; i++) {
      expect((await api('sendMessage', { chat_id: group.id, text: `m${i}` })).body.ok).toBe(true);
      now += 100;
    }
    const refused = await api('sendMessage', { chat_id: group.id, text: 'one too many' });
    expect(refused.status).toBe(429);
    expect(refused.body.parameters?.retry_after).toBe(58);
    expect(server.floodViolations).toMatchObject([{ scope: 'group_chat', chatId: group.id, retryAfter: 58 }]);
    for (let i = 0; i < 5; i++)
      expect((await api('sendMessage', { chat_id: alice.id, text: `p${i}` })).body.ok).toBe(true);
    expect((await api('sendMessage', { chat_id: alice.id, text: 'burst over' })).status).toBe(429);
    now += 1000;
    expect((await api('sendMessage', { chat_id: alice.id, text: 'a second later' })).body.ok).toBe(true);
  });

  it('compresses the group and global windows for tests', async () => {
    let now = 1_700_000_000_000;
    await server.close();
    server = await createBotApiServer({
      bots: [{ token: TOKEN, username: 'minsheng_test_bot', firstName: 'Minsheng' }],
      telegramLimits: { groupPerMinute: 2, groupWindowMs: 300, globalPerSecond: 3, globalWindowMs: 100 },
      clock: () => now,
    });
    const group = server.createGroup({ title: 'Fast', bots: [TOKEN] });
    const other = server.createGroup({ title: 'Other', bots: [TOKEN] });
    const send = async (chat: number) => (await api('sendMessage', { chat_id: chat, text: 'x' })).status;
    expect([await send(group.id), await send(group.id), await send(group.id)]).toEqual([200, 200, 429]);
    expect(await send(other.id)).toBe(200);
    // Three in the last 100 ms overall: the global window refuses, then lets through once it passes.
    expect(await send(other.id)).toBe(429);
    now += 100;
    expect(await send(other.id)).toBe(200);
    now += 200;
    expect(await send(group.id)).toBe(200);
    expect(server.floodViolations.map((v) => v.scope)).toEqual(['group_chat', 'global']);
  });

  it('lets a pushed callback or inline query be answered once, as Telegram issued it', async () => {
    server.pushUpdate({
      callback_query: { id: 'pushed-1', from: alice, chat_instance: '1', data: 'from nowhere' },
    });
    server.pushUpdate({ inline_query: { id: 'pushed-2', from: alice, query: 'q', offset: '' } });
    expect((await api('answerCallbackQuery', { callback_query_id: 'pushed-1' })).body.ok).toBe(true);
    expect((await api('answerCallbackQuery', { callback_query_id: 'pushed-1' })).status).toBe(400);
    expect((await api('answerInlineQuery', { inline_query_id: 'pushed-2', results: [] })).body.ok).toBe(true);
    expect((await api('answerCallbackQuery', { callback_query_id: 'never-issued' })).status).toBe(400);
  });

  it('goes unreachable (connections refused, state kept) and comes back on the same port', async () => {
    const root = server.apiRoot;
    expect((await api('sendMessage', { chat_id: alice.id, text: 'before' })).body.ok).toBe(true);
    await server.setReachable(false);
    await expect(api('getMe')).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    await server.setReachable(true);
    expect(server.apiRoot).toBe(root);
    expect((await api('sendMessage', { chat_id: alice.id, text: 'after' })).body.ok).toBe(true);
    expect(server.messagesIn(alice.id).map((m) => m.text)).toEqual(['before', 'after']);
    await server.setReachable(false);
    // Closing while unreachable still closes cleanly (afterEach closes it).
  });
});

describe('webhooks', () => {
  async function hookServer(
    handler: (req: http.IncomingMessage, body: string) => { status: number; body?: string },
  ): Promise<string> {
    const hook = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answer = handler(req, Buffer.concat(chunks).toString());
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(answer.body ?? '');
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => hook.close(() => resolve())));
    return `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
  }

  it('POSTs updates with the secret header, retries failures and reports them', async () => {
    const seen: { secret: unknown; text: string }[] = [];
    let failuresLeft = 2;
    const url = await hookServer((req, body) => {
      const update = JSON.parse(body) as { message: { text: string } };
      seen.push({ secret: req.headers['x-telegram-bot-api-secret-token'], text: update.message.text });
      if (failuresLeft > 0) {
        failuresLeft--;
        return { status: 500 };
      }
      return { status: 200 };
    });
    await server.close();
    server = await createBotApiServer({
      bots: [{ token: TOKEN, username: 'minsheng_test_bot', firstName: 'Minsheng' }],
      webhookRetry: { initialDelayMs: 10, maxDelayMs: 20 },
    });
    alice = server.createUser({ firstName: 'Alice' });
    expect((await api('setWebhook', { url, secret_token: 'S3cret_-' })).body).toEqual({
      ok: true,
      result: true,
      description: 'Webhook was set',
    });
    expect((await api('setWebhook', { url, secret_token: 'bad secret!' })).body.description).toBe(
      'Bad Request: secret token contains unallowed characters',
    );
    server.sendText(alice.id, alice, 'via webhook');
    await server.waitFor(() => server.lastWebhookDelivery()?.ok);
    expect(seen).toEqual([
      { secret: 'S3cret_-', text: 'via webhook' },
      { secret: 'S3cret_-', text: 'via webhook' },
      { secret: 'S3cret_-', text: 'via webhook' },
    ]);
    expect(server.webhookDeliveries.map((d) => d.status)).toEqual([500, 500, 200]);
    expect(server.webhookInfo()).toMatchObject({
      url,
      pending_update_count: 0,
      last_error_message: 'Wrong response from the webhook: 500 Internal Server Error',
    });
    expect((await api('deleteWebhook')).body.description).toBe('Webhook was deleted');
  });

  it('executes a method returned in the webhook response', async () => {
    const url = await hookServer(() => ({
      status: 200,
      body: JSON.stringify({ method: 'sendMessage', chat_id: alice.id, text: 'replied in the response' }),
    }));
    await api('setWebhook', { url });
    server.sendText(alice.id, alice, 'hi');
    const call = await server.waitForCall('sendMessage');
    expect(call.via).toBe('webhook-reply');
    expect(server.messagesIn(alice.id).at(-1)?.text).toBe('replied in the response');
  });
});

describe('with a real Telegraf bot', () => {
  it('answers /start in a private chat over long polling and confirms the update', async () => {
    const bot = newTelegraf();
    bot.start((ctx) => ctx.reply(`Hello, <b>${ctx.from.first_name}</b>!`, { parse_mode: 'HTML' }));
    await launch(bot);
    server.sendText(alice.id, alice, '/start');
    const reply = await server.waitForBotMessage(alice.id);
    expect(reply).toMatchObject({
      text: 'Hello, Alice!',
      entities: [{ type: 'bold', offset: 7, length: 5 }],
    });
    await server.waitFor(() => server.pendingUpdates().length === 0);
    const polls = server.calls.filter((c) => c.method === 'getUpdates');
    expect(polls[0]?.params).toMatchObject({ timeout: 50, offset: 0 });
  });

  it('sees only what privacy mode lets through in a group', async () => {
    const seen: string[] = [];
    const bot = newTelegraf();
    bot.on('message', (ctx) => {
      if ('text' in ctx.message) seen.push(ctx.message.text);
    });
    await launch(bot);
    const group = server.createGroup({ title: 'Village', members: [alice], bots: [TOKEN] });
    const chatter = server.sendText(group.id, alice, 'gossip the bot must not read');
    server.sendText(group.id, alice, '/ping@minsheng_test_bot');
    await server.waitFor(() => seen.length === 1);
    expect(seen).toEqual(['/ping@minsheng_test_bot']);
    expect(server.withheld).toContainEqual(
      expect.objectContaining({ messageId: chatter.message.message_id }),
    );
  });

  it('surfaces an injected 429 to the bot as a TelegramError with retry_after', async () => {
    const errors: unknown[] = [];
    const bot = newTelegraf();
    bot.catch((error) => {
      errors.push(error);
    });
    bot.on('message', (ctx) => ctx.reply('answer'));
    await launch(bot);
    server.injectFault({ method: 'sendMessage', fault: { type: 'flood', retryAfter: 3 } });
    server.sendText(alice.id, alice, 'question');
    await server.waitFor(() => errors.length === 1);
    expect(errors[0]).toBeInstanceOf(TelegramError);
    expect((errors[0] as TelegramError).parameters?.retry_after).toBe(3);
    expect(server.messagesIn(alice.id).filter((m) => m.from?.is_bot)).toEqual([]);
  });

  it('works over a webhook with a secret token', async () => {
    const bot = newTelegraf();
    bot.on('message', async (ctx) => {
      await ctx.sendChatAction('typing');
      await ctx.reply('hooked');
    });
    const hook = http.createServer(bot.webhookCallback('/tg', { secretToken: 'hook_secret' }));
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => hook.close(() => resolve())));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/tg`;
    await bot.telegram.setWebhook(url, { secret_token: 'hook_secret' });
    server.sendText(alice.id, alice, 'hello hook');
    expect((await server.waitForBotMessage(alice.id)).text).toBe('hooked');
    const action = await server.waitForCall('sendChatAction');
    expect(action.via).toBe('webhook-reply');
    expect(server.lastWebhookDelivery()).toMatchObject({ ok: true, status: 200, secretTokenSent: true });
  });
});

describe('group membership and media', () => {
  it('announces joins and kicks to the bot and then refuses its sends', async () => {
    const group = server.createGroup({ title: 'Later', type: 'group', members: [alice] });
    expect((await api('sendMessage', { chat_id: group.id, text: 'x' })).body.description).toBe(
      'Forbidden: bot is not a member of the group chat',
    );
    server.addBotToChat(group.id, TOKEN, { by: alice });
    const [member, joined] = server.pendingUpdates();
    expect(member?.my_chat_member).toMatchObject({
      old_chat_member: { status: 'left' },
      new_chat_member: { status: 'member' },
    });
    expect(joined?.message?.new_chat_members?.[0]?.username).toBe('minsheng_test_bot');
    expect((await api('sendMessage', { chat_id: group.id, text: 'hello all' })).body.ok).toBe(true);
    server.kickBot(group.id, TOKEN, { by: alice });
    expect((await api('sendMessage', { chat_id: group.id, text: 'x' })).body.description).toBe(
      'Forbidden: bot was kicked from the group chat',
    );
  });

  it('accepts multipart uploads from Telegraf and keeps captions to 1024 characters', async () => {
    const bot = newTelegraf();
    server.privateChat(alice);
    const photo = await bot.telegram.sendPhoto(
      alice.id,
      { source: Buffer.from('not really a jpeg'), filename: 'map.jpg' },
      { caption: '<i>Map</i>', parse_mode: 'HTML' },
    );
    expect(photo).toMatchObject({
      caption: 'Map',
      caption_entities: [{ type: 'italic', offset: 0, length: 3 }],
    });
    expect(server.calls.at(-1)?.files).toEqual([
      { field: 'photo', filename: 'map.jpg', contentType: 'application/octet-stream', size: 17 },
    ]);
    await expect(bot.telegram.sendPhoto(alice.id, 'file-id', { caption: 'c'.repeat(1025) })).rejects.toThrow(
      'message caption is too long',
    );
  });
});

describe('bot settings', () => {
  it('validates and stores commands per scope', async () => {
    const set = (commands: unknown, extra: Record<string, unknown> = {}) =>
      api('setMyCommands', { commands, ...extra }).then((r) => r.body);
    expect(await set([{ command: 'Start', description: 'x' }])).toMatchObject({
      description: 'Bad Request: BOT_COMMAND_INVALID',
    });
    expect(await set([{ command: 'start', description: ' ' }])).toMatchObject({
      description: 'Bad Request: command description must be non-empty',
    });
    expect(await set([{ command: 'start' }])).toMatchObject({
      description: 'Bad Request: can\'t parse BotCommand: Can\'t find field "description"',
    });
    expect(await set([{ command: '/ask', description: 'Ask a question' }])).toEqual({
      ok: true,
      result: true,
    });
    await set([{ command: 'groups', description: 'in groups' }], { scope: { type: 'all_group_chats' } });
    expect((await api('getMyCommands')).body.result).toEqual([
      { command: 'ask', description: 'Ask a question' },
    ]);
    expect(server.commandsOf(undefined, { type: 'all_group_chats' })).toEqual([
      { command: 'groups', description: 'in groups' },
    ]);
    expect((await api('setChatMenuButton', { menu_button: { type: 'commands' } })).body).toEqual({
      ok: true,
      result: true,
    });
    expect((await api('getChatMenuButton')).body.result).toEqual({ type: 'commands' });
  });
});
