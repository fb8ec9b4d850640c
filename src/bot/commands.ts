/**
 * The command menus Telegram shows: one for private chats, one for groups (where questions go
 * through /ask). Registered at start with setMyCommands.
 */
import type { Telegram } from 'telegraf';
import type { BotCommand } from 'telegraf/types';

/** The commands offered in private chats. */
export const PRIVATE_COMMANDS: readonly BotCommand[] = [
  { command: 'start', description: '开始：示例问题' },
  { command: 'help', description: '怎么提问' },
  { command: 'ask', description: '提一个问题（私聊里直接发问题也可以）' },
  { command: 'about', description: '我知道什么、来自哪里' },
];

/** The commands offered in groups. */
export const GROUP_COMMANDS: readonly BotCommand[] = [
  { command: 'ask', description: '提一个问题，例如 /ask 兴和县的城镇化率是多少' },
  { command: 'help', description: '怎么在群里问我' },
  { command: 'about', description: '我知道什么、来自哪里' },
];

/** Registers both menus (and the private one as the default for other scopes). */
export async function registerCommands(telegram: Telegram): Promise<void> {
  await telegram.setMyCommands([...PRIVATE_COMMANDS], { scope: { type: 'all_private_chats' } });
  await telegram.setMyCommands([...GROUP_COMMANDS], { scope: { type: 'all_group_chats' } });
  await telegram.setMyCommands([...PRIVATE_COMMANDS], { scope: { type: 'default' } });
}
