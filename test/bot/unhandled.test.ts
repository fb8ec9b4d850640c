import { afterEach, describe, expect, it, vi } from 'vitest';
import { BOT_INFO, GROUP, harness, sent, USER } from './harness.js';

afterEach(() => vi.restoreAllMocks());

const member = (status: string) => ({ user: BOT_INFO, status });
const membership = (chat: Record<string, unknown>, from: string, to: string) => ({
  my_chat_member: {
    chat,
    from: USER,
    date: 1,
    old_chat_member: member(from),
    new_chat_member: member(to),
  },
});

describe('updates the bot does not answer', () => {
  it('stays silent on stickers, photos and voice in groups', async () => {
    const h = harness();
    for (const content of [
      { sticker: { file_id: 's', file_unique_id: 's', type: 'regular', width: 1, height: 1 } },
      { photo: [{ file_id: 'p', file_unique_id: 'p', width: 1, height: 1 }] },
      { voice: { file_id: 'v', file_unique_id: 'v', duration: 1 } },
    ]) {
      expect(
        await h.send({ message: { message_id: 1, date: 1, chat: GROUP, from: USER, ...content } }),
      ).toEqual([]);
    }
  });

  it('ignores edited messages, channel posts and service messages', async () => {
    const h = harness();
    const chat = { id: USER.id, type: 'private', first_name: 'Alice' };
    const channel = { id: -1009, type: 'channel', title: 'News' };
    const updates = [
      {
        edited_message: { message_id: 1, date: 1, edit_date: 2, chat, from: USER, text: '兴和县的城镇化率' },
      },
      { channel_post: { message_id: 1, date: 1, chat: channel, text: '/ask 城镇化率' } },
      { edited_channel_post: { message_id: 1, date: 1, edit_date: 2, chat: channel, text: 'x' } },
      { message: { message_id: 2, date: 1, chat: GROUP, from: USER, new_chat_members: [USER] } },
      { message: { message_id: 3, date: 1, chat: GROUP, from: USER, left_chat_member: USER } },
      {
        message: {
          message_id: 4,
          date: 1,
          chat: GROUP,
          from: USER,
          pinned_message: { message_id: 1, date: 1, chat: GROUP },
        },
      },
      { chosen_inline_result: { result_id: 'x', from: USER, query: 'q' } },
      { poll: { id: '1', question: 'q', options: [], total_voter_count: 0, is_closed: false } },
      { some_future_update: { id: 1 } },
    ];
    for (const update of updates) expect(await h.send(update)).toEqual([]);
    expect(h.logs.filter((l) => l.level === 50)).toEqual([]);
    expect(h.logs.filter((l) => l.msg === 'update ignored')).toHaveLength(updates.length);
  });

  it('greets a group once when added, and says nothing when removed or blocked', async () => {
    const h = harness();
    const [greeting] = sent(await h.send(membership(GROUP, 'left', 'member')));
    expect(greeting).toMatchObject({ chat_id: GROUP.id });
    expect(greeting?.text).toContain('/ask');
    expect(await h.send(membership(GROUP, 'member', 'administrator'))).toEqual([]);
    expect(await h.send(membership(GROUP, 'member', 'kicked'))).toEqual([]);
    expect(
      await h.send(membership({ id: USER.id, type: 'private', first_name: 'A' }, 'member', 'kicked')),
    ).toEqual([]);
    expect(
      await h.send(membership({ id: USER.id, type: 'private', first_name: 'A' }, 'kicked', 'member')),
    ).toEqual([]);
  });
});
