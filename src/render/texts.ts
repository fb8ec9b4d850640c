/**
 * What the bot says besides answers: the welcome, the help, /about, and the polite replies to
 * things it cannot use. Telegram HTML, with every dynamic piece escaped.
 */
import type { EntryRef } from '../engine/types.js';
import { CAN_ANSWER } from './plain.js';
import { type Button, callbackData, escapeHtml } from './telegram.js';

/** The example question a button asks (`ask:<id>`), or undefined when the id is too long for a button. */
export function exampleButton(ref: EntryRef): Button | undefined {
  const data = callbackData('ask', ref.id);
  const text = ref.question.length > 40 ? `${ref.question.slice(0, 39)}…` : ref.question;
  return data ? { text: `💬 ${text}`, callback_data: data } : undefined;
}

/** One button a row for each example question. */
export function exampleButtons(refs: readonly EntryRef[], max = 4): Button[][] {
  const rows: Button[][] = [];
  for (const ref of refs) {
    const b = exampleButton(ref);
    if (b) rows.push([b]);
    if (rows.length >= max) break;
  }
  return rows;
}

/** /start: who the bot is, what it knows; the examples go below as buttons. */
export function welcomeText(firstName?: string): string {
  const hello = firstName ? `您好，${escapeHtml(firstName)}！` : '您好！';
  return [
    `${hello}我是<b>民生访谈问答</b>机器人。`,
    escapeHtml(CAN_ANSWER),
    '直接发问题给我就行，每个回答都引自原文并注明出处。试试下面这些问题，或发送 /help 看怎么在群里和其他聊天里问我。',
  ].join('\n\n');
}

/** /help: how to ask, in a private chat, in groups and inline; `username` without the @. */
export function helpText(username: string): string {
  const at = `@${escapeHtml(username)}`;
  return [
    '<b>怎么问我</b>',
    `• <b>私聊</b>：直接发问题，例如“克什克腾旗的贫困发生率是多少？”`,
    '• <b>追问</b>：接着问“那兴和县呢？”，我会把上一个问题拿来问兴和县。',
    `• <b>群里</b>：发送 <code>/ask 问题</code>（或 <code>/ask${at} 问题</code>），或者回复我的消息来追问。群里的其他聊天我不会回应。`,
    `• <b>任何聊天里</b>：输入 <code>${at} 问题</code>，从弹出的答案里选一个发出去（行内模式）。`,
    '• <b>答案下的按钮</b>：📄 完整回答 是官员的原话，📰 出处 是报道信息，🔎 是相关的问题。',
    '',
    '/about 我知道什么、来自哪里',
  ].join('\n');
}

/** /about (and /source): what the knowledge holds and where it was printed. */
export function aboutText(
  sources: readonly { readonly about: string }[],
  size: { readonly entries: number; readonly facts: number; readonly turns: number },
): string {
  const list = sources.map((s) => `• ${escapeHtml(s.about)}`).join('\n');
  return [
    '<b>我知道什么</b>',
    escapeHtml(CAN_ANSWER),
    `<b>出处</b>（共 ${sources.length} 篇）\n${list}`,
    `知识库里有 ${size.entries} 个条目，其中 ${size.facts} 个数据、${size.turns} 段问答。所有回答都逐字引自原文；原文没有的，我会直说没有，不会编造。`,
  ].join('\n\n');
}

/** /ask with nothing after it. */
export function askUsageText(username: string): string {
  return [
    '请在 /ask 后面写上问题，例如：',
    `<code>/ask 克什克腾旗的贫困发生率是多少？</code>`,
    `在群里也可以回复我的消息来追问，或者在任何聊天里输入 <code>@${escapeHtml(username)} 问题</code>。`,
  ].join('\n');
}

/** A command this bot does not have. */
export const UNKNOWN_COMMAND_TEXT = '我不认识这个命令。直接发问题给我，或者发送 /help 看看怎么问。';

/** A sticker, photo, voice message … in a private chat. */
export const NOT_TEXT_TEXT = '我只能读文字问题。请把问题打出来发给我，例如“兴和县的城镇化率是多少？”';

/** A button this version of the bot did not make, or whose entry is gone. */
export const STALE_BUTTON_TEXT = '这个按钮已经失效了，请重新提问。';

/** A button pressed on a message posted inline, where the bot cannot write. */
export const INLINE_BUTTON_TEXT = '请在与我的私聊中提问，查看完整回答。';

/** When the bot is added to a group. */
export function groupGreetingText(username: string): string {
  return [
    '大家好！我回答《内蒙古日报》2017年2月23日第5版两篇民生访谈里的问题。',
    `在群里请用 <code>/ask 问题</code> 问我（或者回复我的消息追问）；其他聊天我不会打扰。发送 /help@${escapeHtml(username)} 了解更多。`,
  ].join('\n');
}

/** When something went wrong on our side. */
export const ERROR_TEXT = '抱歉，我这边出了点问题，请稍后再试。';

/** Flood control's one notice to a user who asks too fast; `seconds` is the window. */
export function floodNoticeText(seconds: number): string {
  return `您发得有点快，我先歇一下。请过${seconds}秒左右再问，我会继续回答。`;
}

/** A question longer than the bot reads (`limit` characters). */
export function tooLongText(limit: number): string {
  return `问题太长了。请用一两句话提问（${limit}字以内），例如“兴和县的城镇化率是多少？”`;
}
