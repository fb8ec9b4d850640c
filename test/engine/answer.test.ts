import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAnswerEngine } from '../../src/engine/answer.js';
import type { Answer, Answered } from '../../src/engine/types.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { renderPlain } from '../../src/render/plain.js';
import { loadQuestions } from '../questions/evaluate.js';

const KNOWLEDGE = join(import.meta.dirname, '../../knowledge');
const knowledge = loadKnowledge(KNOWLEDGE);
const engine = createAnswerEngine(knowledge, { botUsername: 'MinshengBot' });
const source = knowledge.articles.find((a) => a.source.id === 'nmgrb-2017-02-23-p5')?.sourceText ?? '';

function answered(q: string): Answered {
  const a = engine.answer(q);
  if (a.kind !== 'answered') throw new Error(`expected an answer to ${q}, got ${a.kind}: ${renderPlain(a)}`);
  return a;
}

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

describe('answering figure questions', () => {
  it('answers a figure question with the figure first, quoted, with speaker and citation', () => {
    const a = answered('兴和县城镇化率是多少');
    const text = renderPlain(a);
    expect(a.parts[0]?.entry.id).toBe('xh-urbanization-rate-2016');
    expect(text.split('\n')[0]).toContain('48%');
    expect(text).toContain('城镇化率达到48%');
    expect(text).toContain('兴和县委书记 刘政');
    expect(text).toContain('《内蒙古日报》2017年2月23日 第5版');
    expect(text).toContain('多策并举 擦亮民生底色');
  });

  it('reads traditional characters, full-width digits, typos and pinyin in place names', () => {
    expect(answered('興和縣有多少貧困人口建檔立卡').parts[0]?.figures[0]?.text).toBe('16363名');
    expect(answered('兴合县的城镇化率').parts[0]?.figures[0]?.text).toBe('48%');
    expect(answered('克什克藤旗贫困发生率').parts[0]?.entry.id).toBe('kq-poverty-rate');
    expect(answered('xinghe 城镇化率').parts[0]?.figures[0]?.text).toBe('48%');
    expect(answered('keshiketeng 十二五 减贫').parts[0]?.figures[0]?.text).toBe('48229人');
  });

  it('reads homophone slips of dictation and pinyin sentences', () => {
    expect(answered('心和县建档力卡的贫困人口多少').parts[0]?.figures[0]?.text).toBe('16363名');
    expect(answered('客什克疼旗今年要拖贫多少人').parts[0]?.figures[0]?.text).toBe('5755名');
    expect(answered('老宋家的小洋糕下了几只').parts[0]?.figures.map((f) => f.text)).toContain('37只');
    expect(answered('Xinghe xian 2016 nian chengzhenhua lv shi duoshao').parts[0]?.figures[0]?.text).toBe(
      '48%',
    );
    // What the knowledge holds as it is, is never "corrected": 财政收入 is not 增收.
    expect(engine.answer('克旗的财政收入是多少').kind).toBe('none');
  });

  it('prefers the target when asked about plans and the result when asked about the past', () => {
    expect(answered('兴和县今年计划脱贫多少人').parts[0]?.entry.id).toBe('xh-out-of-poverty-plan-2017');
    expect(answered('兴和县去年脱贫多少人').parts[0]?.entry.id).toBe('xh-out-of-poverty-2016');
  });

  it('answers a figure question that fits both regions with both, side by side', () => {
    const a = answered('脱贫了多少人');
    expect(a.parts.map((p) => p.entry.regionId).sort()).toEqual(['keshiketeng', 'xinghe']);
    // Both figures lead, one line each, region first; the quotes follow.
    const [first = '', second = ''] = renderPlain(a).split('\n');
    expect([first, second].sort()).toEqual([
      expect.stringMatching(/^📊 克什克腾旗 · .*6199人/),
      expect.stringMatching(/^📊 兴和县 · .*2847名/),
    ]);
  });

  it('compares only comparable figures, and says which is larger', () => {
    const a = answered('克旗和兴和哪个去年脱贫的人多');
    expect(a.parts.map((p) => p.entry.regionId)).toEqual(['keshiketeng', 'xinghe']);
    expect(a.comparison).toContain('克什克腾旗（6199人）多于兴和县（2847名）');
    const b = answered('克旗和兴和的金融扶贫贷款分别是多少');
    expect(b.comparison).toMatch(/不能直接比较/);
  });

  it('confirms or corrects a figure asked in Chinese numerals', () => {
    const yes = answered('兴和县是不是有一百六十一个行政村');
    expect(yes.check).toEqual({ asked: '161个', correct: true });
    const roughly = answered('兴和县建档立卡的贫困人口有一万六千多吗');
    expect(roughly.check).toMatchObject({ correct: true, approximate: true });
    expect(renderPlain(roughly)).toMatch(/^✅ 差不多，报道中是 16363名/);
    expect(answered('克旗去年脱贫是不是九千人左右').check?.correct).toBe(false);
    const no = answered('兴和县城镇化率是不是百分之五十');
    expect(no.check?.correct).toBe(false);
    expect(renderPlain(no)).toMatch(/不是。报道中是 48%/);
  });

  it('answers two questions asked in one message side by side', () => {
    const a = answered('截至2015年底克旗仍有多少个贫困嘎查村，2017年计划销号多少个？');
    expect(a.parts.map((p) => p.figures[0]?.text)).toEqual(['44个', '21个']);
  });

  it('sets greetings and thanks around a question aside', () => {
    const a = answered('老师您好，我在写毕业论文，想请教一下兴和县的城镇化率是多少？谢谢！');
    expect(a.parts[0]?.figures[0]?.text).toBe('48%');
  });
});

describe('answering how/what and who questions', () => {
  it('leads with the most relevant sentences of the official’s answer, within about 300 characters', () => {
    const a = answered('怎样激发贫困群众的内生动力');
    expect(a.parts[0]?.entry.id).toBe('kq-motivation');
    expect(a.parts[0]?.lead).toContain('宁愿苦干，不愿苦熬');
    expect(a.parts[0]?.lead.length).toBeLessThanOrEqual(320);
  });

  it('answers who questions with the person', () => {
    expect(renderPlain(answered('徐永升采访了谁'))).toContain('边中悦');
    expect(renderPlain(answered('这版的责任编辑是谁'))).toContain('赵娜');
  });

  it('asks back when a how question fits both regions about equally', () => {
    const a = engine.answer('精准扶贫怎么做的');
    expect(a.kind === 'ambiguous' || (a.kind === 'answered' && a.parts.length === 2)).toBe(true);
  });

  it('follows up on the previous question for another region', () => {
    const first = answered('克旗贫困发生率是多少');
    const entryId = first.parts[0]?.entry.id ?? '';
    const next = engine.answer('那兴和县呢？', { previous: { question: '克旗贫困发生率是多少', entryId } });
    // 兴和县 has no poverty incidence rate in the article: the follow-up is declined honestly.
    expect(next.kind).toBe('none');
    const again = engine.answer('那兴和县呢', { previous: { question: '克旗去年脱贫多少人', entryId: 'x' } });
    expect(again.kind === 'answered' && again.parts[0]?.entry.regionId).toBe('xinghe');
  });
});

describe('declining', () => {
  it.each([
    '今天星期几',
    '北京的GDP是多少',
    '上海有多少贫困人口',
    '给我讲个笑话',
    'qwertyuiop',
    '红烧肉怎么做',
    '云南是怎么搞精准扶贫的',
  ])('declines the off-topic question %s', (q) => {
    const a = engine.answer(q);
    expect(a.kind).toBe('none');
    if (a.kind === 'none') expect(a.reason).toBe('off-topic');
  });

  it.each(['兴和县的GDP是多少', '克什克腾旗总人口多少', '刘政多大年纪', '兴和县房价多少', '克旗有几所学校'])(
    'says the article does not report %s, and never gives another figure',
    (q) => {
      const a = engine.answer(q);
      expect(a.kind).toBe('none');
      if (a.kind !== 'none') return;
      expect(a.reason).toBe('not-reported');
      expect(renderPlain(a)).toContain('这篇报道没有提到');
      expect(renderPlain(a)).not.toMatch(/\d+(\.\d+)?(%|元|人|名|户|个)/);
    },
  );

  it('answers a greeting with a greeting and what it can answer', () => {
    const a = engine.answer('你好');
    expect(a.kind === 'none' && a.reason).toBe('greeting');
    expect(renderPlain(a)).toContain('您好');
  });

  it.each([
    ['', 'empty'],
    ['   \n\t ', 'empty'],
    ['好'.repeat(10_000), 'too-long'],
  ])('refuses bad input %# with a message', (q, reason) => {
    const a = engine.answer(q);
    expect(a.kind === 'none' && a.reason).toBe(reason);
  });

  it.each([
    '🙂🙂🙂',
    '<b>兴和县</b><script>alert(1)</script>',
    "'兴和 !城镇化率 ^克旗 =48% | 兴和$",
    '\u0000\u0007兴和县\u202e城镇化率\u200b',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection attempt, on purpose
    '%s%n%x{{7*7}}${process.exit()}',
    '../../etc/passwd',
    '兴和'.repeat(240),
    '\ud800',
  ])('never throws on hostile input %#', (q) => {
    expect(() => renderPlain(engine.answer(q))).not.toThrow();
  });
});

describe('traceability', () => {
  const questions = [...loadQuestions('core.json'), ...loadQuestions('spanning.json')];
  const answers: Answer[] = questions.map((q) => engine.answer(q.q));

  it('quotes only what was printed: every lead of a fact, turn, story or background stands in the source', () => {
    for (const a of answers) {
      if (a.kind !== 'answered') continue;
      for (const part of a.parts) {
        if (part.entry.kind === 'person' || part.entry.kind === 'source' || part.entry.kind === 'interview')
          continue;
        for (const piece of part.lead.split(/……|\n/)) {
          const text = piece.replace(/^配图：/, '');
          if (text) expect(source).toContain(text);
        }
      }
    }
  });

  it('never says a figure that was not printed', () => {
    for (const a of answers) {
      for (const n of renderPlain(a).match(/\d+(?:\.\d+)?/g) ?? []) expect(source).toContain(n);
    }
  });
});

describe('a second article', () => {
  it('is served with no code change', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knowledge-'));
    temps.push(dir);
    cpSync(KNOWLEDGE, dir, { recursive: true });
    cpSync(join(import.meta.dirname, '../fixtures/second-article'), dir, { recursive: true });
    const both = createAnswerEngine(loadKnowledge(dir));
    const a = both.answer('白云旗去年新增就业多少人');
    expect(a.kind).toBe('answered');
    expect(renderPlain(a)).toContain('2300人');
    expect(both.answer('兴和县城镇化率').kind).toBe('answered');
  });
});
