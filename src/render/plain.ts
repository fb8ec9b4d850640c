/**
 * Answer → plain text: for the CLI, for logs and for inline result descriptions. The Telegram
 * renderer says the same things with formatting and buttons.
 */
import { formatDate } from '../engine/entries.js';
import type { Answer, AnswerPart, Citation, EntryRef, NoAnswer, Speaker } from '../engine/types.js';

/** "《内蒙古日报》2017年2月23日 第5版", with the interview's headline where there is one. */
export function formatCitation(c: Citation): string {
  const where = `《${c.publication}》${formatDate(c.date)} 第${c.page}版`;
  return c.headline ? `${where}，${c.section}《${c.headline}》` : `${where}，${c.section}`;
}

/** "兴和县委书记 刘政": role (with the region where the role does not say it), then the name. */
export function formatSpeaker(s: Speaker): string {
  const region = s.regionName ?? '';
  const role = region && s.role.match(/^[旗县]委/) ? `${region.replace(/[旗县]$/, '')}${s.role}` : s.role;
  return `${role} ${s.name}`;
}

/** Who said a part and where it was printed: "兴和县委书记 刘政，《内蒙古日报》… 对话《…》". */
export function formatSource(part: AnswerPart): string {
  return `${part.speaker ? `${formatSpeaker(part.speaker)}，` : ''}${formatCitation(part.citation)}`;
}

/** A short label of a part among several: its region, or its period for a plan next to a result. */
export function partLabel(part: AnswerPart): string {
  const year = part.period && /^\d{4}$/.test(part.period) ? `${part.period}年` : (part.period ?? '');
  const period = part.status === 'target' ? `${year}目标` : year;
  const region = part.entry.regionName ?? '';
  return region && part.figures.length > 0 && period ? `${region} · ${period}` : region || period;
}

/** The figure line of a part: "📊 兴和县 · 城镇化率 48%（2016年）". */
export function formatHeadline(part: AnswerPart): string {
  const period = part.period && /^\d{4}$/.test(part.period) ? `${part.period}年` : part.period;
  const status = part.status === 'target' ? '目标' : '';
  const when = period && part.figures.length > 0 ? `（${period}${status}）` : '';
  return `${part.figures.length > 0 ? '📊' : '💬'} ${part.headline}${when}`;
}

/** What the bot can be asked, in one line. */
export const CAN_ANSWER =
  '我能回答《内蒙古日报》2017年2月23日第5版两篇访谈里的问题：克什克腾旗（旗委书记边中悦）和兴和县（县委书记刘政）的民生与脱贫攻坚工作、其中的数字，以及百姓故事和背景。';

/** The message for a question that was not answered. */
export function noAnswerText(a: NoAnswer): string {
  switch (a.reason) {
    case 'empty':
      return `请输入一个问题。${CAN_ANSWER}`;
    case 'greeting':
      return `您好！${CAN_ANSWER}`;
    case 'thanks':
      return '不客气！还有问题可以随时问我。';
    case 'too-long':
      return '问题太长了，请用一两句话提问（500字以内）。';
    case 'not-reported': {
      const what = a.asked ? `“${a.asked}”` : '这个数字';
      const region = a.regionName ?? '这个地方';
      const there = a.elsewhere?.regionName ? `（报道中只有${a.elsewhere.regionName}的这项数据。）` : '';
      return `这篇报道没有提到${region}的${what}，我不能给出报道以外的数字。${there}报道里有${region}的这些数据：`;
    }
    case 'off-topic':
      return `抱歉，这不在我掌握的内容里。${CAN_ANSWER}`;
  }
}

/** Renders an answer as plain text, the way a user reads it in the terminal. */
export function renderPlain(answer: Answer): string {
  switch (answer.kind) {
    case 'none': {
      const list = suggestionLines(answer.suggestions);
      return list ? `${noAnswerText(answer)}\n${list}` : noAnswerText(answer);
    }
    case 'ambiguous':
      return `${answer.prompt}\n${answer.options.map((o, i) => `  ${i + 1}. ${o.regionName ?? ''} · ${o.label}`).join('\n')}`;
    case 'answered': {
      const lines: string[] = [];
      if (answer.check) {
        const figures = answer.parts[0]?.figures.map((f) => f.text).join('、') ?? '';
        lines.push(
          answer.check.correct
            ? `✅ ${answer.check.approximate ? '差不多' : '是的'}，报道中是 ${figures}。`
            : `❌ 不是。报道中是 ${figures}。`,
        );
      }
      // Several parts (both regions, a plan and its result): every figure first, one line each,
      // then each part's quote and source.
      const several = answer.parts.length > 1;
      for (const part of answer.parts) lines.push(formatHeadline(part));
      if (answer.comparison) lines.push(`⚖️ ${answer.comparison}`);
      for (const part of answer.parts) {
        lines.push('');
        lines.push(`${several ? `【${partLabel(part)}】` : ''}“${part.lead}”`);
        lines.push(`—— ${formatSource(part)}`);
      }
      if (answer.related.length > 0) {
        lines.push('', '相关：');
        for (const r of answer.related) lines.push(`  · ${refLine(r)}`);
      }
      return lines.join('\n');
    }
  }
}

function suggestionLines(refs: readonly EntryRef[]): string {
  return refs.map((r) => `  · ${refLine(r)}`).join('\n');
}

function refLine(r: EntryRef): string {
  return r.regionName ? `${r.regionName} · ${r.label}` : r.label;
}
