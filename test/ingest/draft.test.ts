import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type ArticleDraft, draftArticle } from '../../src/ingest/draft.js';
import { renderDraft } from '../../src/ingest/render.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { Article } from '../../src/knowledge/schema.js';

const KNOWLEDGE = join(import.meta.dirname, '../../knowledge');
const FIXTURES = join(import.meta.dirname, '../fixtures');
const OURS = readFileSync(join(KNOWLEDGE, 'sources/nmgrb-2017-02-23-p5.txt'), 'utf8');
const SHIPPED = Article.parse(parse(readFileSync(join(KNOWLEDGE, 'nmgrb-2017-02-23-p5.yaml'), 'utf8')));
const QINGSHAN = readFileSync(join(FIXTURES, 'ingest/qingshan-2017-03-16.txt'), 'utf8');

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** Writes a draft as the ingest CLI does (YAML + verbatim source) into a fresh folder and loads it. */
function loadDraft(draft: ArticleDraft, text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'ingest-'));
  temps.push(dir);
  mkdirSync(join(dir, 'sources'));
  writeFileSync(join(dir, draft.article.source.file), text);
  writeFileSync(join(dir, `${draft.article.source.id}.yaml`), renderDraft(draft, 'article.txt'));
  return { dir, knowledge: loadKnowledge(dir) };
}

describe('ingesting our own article', () => {
  const draft = draftArticle(OURS);
  const { article } = draft;

  it('reproduces every Q&A turn of the shipped knowledge exactly, question and answer', () => {
    const shipped = SHIPPED.interviews.flatMap((iv) => iv.turns.map((t) => ({ q: t.question, a: t.answer })));
    const drafted = article.interviews.flatMap((iv) => iv.turns.map((t) => ({ q: t.question, a: t.answer })));
    expect(shipped).toHaveLength(7);
    expect(drafted).toEqual(shipped);
  });

  it('reproduces the interviews: regions, officials, reporters, headlines and 核心提示', () => {
    const shape = (a: typeof SHIPPED) =>
      a.interviews.map((iv) => ({
        region: a.regions.find((r) => r.id === iv.region)?.name,
        official: a.people.find((p) => p.id === iv.official)?.name,
        reporter: a.people.find((p) => p.id === iv.reporter)?.name,
        headline: iv.headline,
        summary: iv.summary,
      }));
    expect(shape(article)).toEqual(shape(SHIPPED));
  });

  /*
   * The measure: a quote of a shipped fact counts as reproduced when some draft fact's quote equals it
   * or contains it (the draft quote is the figure clause widened by a little context, so it may hold the
   * shipped clause and a neighbour). To keep the containment honest, the containing quotes must stay
   * short: at most 3× the shipped quote's length for 90% of the matches.
   * On our article: 83/90 reproduced (92%), 46 of them equal.
   */
  it('reproduces at least 90% of the shipped facts’ quotes', () => {
    const quotes = article.facts.map((f) => f.quote);
    const ratios: number[] = [];
    let equal = 0;
    const missed: string[] = [];
    for (const f of SHIPPED.facts) {
      const containing = quotes.filter((q) => q.includes(f.quote));
      if (containing.length === 0) {
        missed.push(f.id);
        continue;
      }
      if (containing.includes(f.quote)) equal++;
      ratios.push(Math.min(...containing.map((q) => q.length)) / f.quote.length);
    }
    const reproduced = ratios.length / SHIPPED.facts.length;
    expect(reproduced, `missed: ${missed.join(', ')}`).toBeGreaterThanOrEqual(0.9);
    expect(equal).toBeGreaterThanOrEqual(40);
    ratios.sort((a, b) => a - b);
    expect(ratios[Math.floor(ratios.length * 0.9)]).toBeLessThanOrEqual(3);
  });

  it('reproduces the source metadata, the stories and the background texts', () => {
    const { id: _id, file: _file, ...meta } = article.source;
    const { id: _sid, file: _sfile, ...shippedMeta } = SHIPPED.source;
    expect(article.source.id).toBe('nmgrb-2017-02-23-p5');
    expect(meta).toEqual(shippedMeta);
    const story = (s: (typeof SHIPPED.stories)[number], a: typeof SHIPPED) => ({
      title: s.title,
      text: s.text,
      caption: s.caption,
      region: s.region,
      author: a.people.find((p) => p.id === s.author)?.name,
      people: s.people.map((id) => a.people.find((p) => p.id === id)?.name),
    });
    expect(article.stories.map((s) => story(s, article))).toEqual(
      SHIPPED.stories.map((s) => story(s, SHIPPED)),
    );
    expect(article.background.map((b) => [b.region, b.text])).toEqual(
      SHIPPED.background.map((b) => [b.region, b.text]),
    );
  });

  it('models the regions as the body names them, keeping the heading’s 县 as an alias', () => {
    const kq = article.regions.find((r) => r.id === 'keshiketeng');
    expect(kq).toMatchObject({ name: '克什克腾旗', level: '旗', parent: '赤峰市' });
    expect(kq?.aliases).toEqual(expect.arrayContaining(['克旗', '克什克腾', '克什克腾县']));
    expect(article.regions.find((r) => r.id === 'xinghe')).toMatchObject({ name: '兴和县', level: '县' });
    const people = (a: typeof SHIPPED) =>
      a.people
        .map((p) => ({ name: p.name, kind: p.kind, role: p.role, about: p.about }))
        .sort((x, y) => x.name.localeCompare(y.name));
    expect(people(article)).toEqual(people(SHIPPED));
    expect(draft.notes.map((n) => n.message)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('the heading prints 克什克腾县委书记, but the text calls it 克什克腾旗'),
        expect.stringContaining('the headline "突出 准确实 打好脱贫仗" does not read as two phrases'),
      ]),
    );
  });

  it('fills in values, units, periods, status and regions where the text says them', () => {
    const fact = (quote: string) => article.facts.find((f) => f.quote.includes(quote));
    expect(fact('民生事业支出16.8亿元')).toMatchObject({
      region: 'xinghe',
      period: '2016',
      status: 'actual',
      values: [
        { text: '16.8亿元', value: 1_680_000_000, unit: '元' },
        { text: '61%', value: 61, unit: '%' },
      ],
    });
    expect(fact('贫困户年人均增收3000元至8000元')?.values).toEqual([
      { text: '3000元至8000元', value: 3000, upTo: 8000, unit: '元' },
    ]);
    expect(fact('仍有44个贫困嘎查村')).toMatchObject({ period: '截至2015年底', region: 'keshiketeng' });
    expect(fact('累计减少贫困人口48229人')).toMatchObject({ period: '十二五' });
    expect(fact('克旗将完成5755名贫困人口脱贫')).toMatchObject({ period: '2017', status: 'target' });
    expect(fact('年内确保4000名左右贫困人口')).toMatchObject({ period: '2017', status: 'target' });
    expect(fact('118万平方公里')).toMatchObject({
      region: 'neimenggu',
      from: { kind: 'intro' },
      values: [{ text: '118万平方公里', value: 1_180_000, unit: '平方公里' }],
    });
    expect(fact('他家盖起了四间门面房')).toMatchObject({
      region: 'keshiketeng',
      from: { kind: 'story', id: 'story-song-taicheng' },
      speaker: 'liu-yuguo',
      values: [{ text: '四间', value: 4, unit: '间' }],
    });
  });

  it('keeps every drafted text verbatim and validates with loadKnowledge as produced', () => {
    for (const f of article.facts) expect(OURS).toContain(f.quote);
    const { knowledge } = loadDraft(draft, OURS);
    expect(knowledge.articles[0]?.facts.length).toBe(article.facts.length);
    expect(draft.unplaced).toEqual([]);
  });
});

describe('ingesting a second, smaller article of the same layout', () => {
  const draft = draftArticle(QINGSHAN);
  const { article } = draft;

  it('reads the masthead, the title and the introduction', () => {
    expect(article.source).toMatchObject({
      id: 'nmgrb-2017-03-16-p6',
      publication: '内蒙古日报',
      date: '2017-03-16',
      page: 6,
      section: '对话',
      column: '草原民生',
      title: '把民生实事办到群众心坎上',
      editors: [
        { role: '责任编辑', name: '李红' },
        { role: '版式策划', name: '张伟' },
      ],
    });
    expect(article.source.intro).toMatch(/^过去一年，全区新建.+气温回升较快。$/s);
  });

  it('reads both interviews, the 对话人 line with the reporter on it, and a multi-paragraph answer', () => {
    expect(article.regions.map((r) => [r.id, r.name, r.level])).toEqual([
      ['qingshan', '青山县', '县'],
      ['hongliu', '红柳旗', '旗'],
      ['neimenggu', '内蒙古自治区', '自治区'],
    ]);
    expect(
      article.people.filter((p) => p.kind === 'official').map((p) => [p.name, p.role, p.region]),
    ).toEqual([
      ['王海东', '县长', 'qingshan'],
      ['巴特尔', '旗委书记', 'hongliu'],
    ]);
    expect(article.interviews.map((iv) => [iv.headline, iv.reporter, iv.turns.length])).toEqual([
      ['稳就业 暖民心', 'chen-jing', 2],
      ['守护一方水 造福一方人', 'meng-he', 1],
    ]);
    const first = article.interviews[0]?.turns[0];
    expect(first?.question).toBe('去年青山县在就业方面做了哪些工作？');
    expect(first?.answer).toBe(
      '我们把就业摆在民生工作的首位。2016年全县城镇新增就业3200人，城镇登记失业率控制在3.8%。\n\n' +
        '农村牧区劳动力转移就业2.1万人次，同比增长12%。\n\n张三：补充一句，技能培训覆盖了全部贫困户。',
    );
  });

  it('reads the story with its byline, villager and caption, and each background paragraph', () => {
    expect(article.stories).toMatchObject([
      {
        title: '老张家的新水井',
        region: 'hongliu',
        caption: '张宝山在井边打水',
        author: 'meng-he',
        people: ['zhang-baoshan'],
      },
    ]);
    expect(article.people.find((p) => p.name === '张宝山')).toMatchObject({
      kind: 'villager',
      role: '牧民',
      about: '红柳旗巴音镇牧民张宝山',
    });
    expect(article.background.map((b) => b.region)).toEqual(['qingshan', 'hongliu']);
    expect(article.regions.find((r) => r.id === 'hongliu')?.parent).toBe('巴彦淖尔市');
  });

  it('drafts facts with values, periods and targets, and drops 核心提示 clauses the answers repeat', () => {
    const rows = article.facts.map((f) => [
      f.quote,
      f.region,
      f.period,
      f.status,
      f.values.map((v) => v.text),
    ]);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['2016年全县城镇新增就业3200人', 'qingshan', '2016', 'actual', ['3200人']],
        ['农村牧区劳动力转移就业2.1万人次，同比增长12%', 'qingshan', '2016', 'actual', ['2.1万人次', '12%']],
        ['2017年，力争城镇新增就业3500人', 'qingshan', '2017', 'target', ['3500人']],
        ['年内建成2个创业孵化基地', 'qingshan', '2017', 'target', ['2个']],
        ['截至2016年底，全旗农村牧区自来水普及率达到87%', 'hongliu', '截至2016年底', 'actual', ['87%']],
        [
          '过去一年，全区新建农村牧区公路1.2万公里，民生实事件件落地',
          'neimenggu',
          '2016',
          'actual',
          ['1.2万公里'],
        ],
      ]),
    );
    expect(article.facts.find((f) => f.quote.includes('2.1万人次'))?.values[0]).toEqual({
      text: '2.1万人次',
      value: 21_000,
      unit: '人次',
    });
    expect(article.facts.filter((f) => f.from.kind === 'summary')).toEqual([]);
  });

  it('reports what it could not place instead of guessing', () => {
    const messages = draft.notes.map((n) => `${n.line ?? '-'}: ${n.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^41: the speaker "张三" is neither the reporter \(陈静\) nor the official \(王海东\)/,
        ),
        expect.stringMatching(/^73: unknown section 【记者手记】/),
        expect.stringMatching(/^21: a figure with no region: "今年春耕备耕已全面展开，3月以来气温回升较快"/),
        expect.stringMatching(/^15: left out a note printed before the title/),
      ]),
    );
    expect(draft.unplaced.map((f) => f.quote)).toEqual(['今年春耕备耕已全面展开，3月以来气温回升较快']);
  });

  it('writes the open points and the unplaced facts as YAML comments, and validates as produced', () => {
    const yaml = renderDraft(draft, 'qingshan.txt');
    expect(yaml).toContain('# - line 41: the speaker "张三"');
    expect(yaml).toMatch(/# 1 drafted facts name no region[^\n]*\n#\s+- id: unplaced-f01/);
    expect(yaml).toContain('# check: period assumed');
    const { knowledge } = loadDraft(draft, QINGSHAN);
    expect(knowledge.articles[0]?.interviews).toHaveLength(2);
  });

  it('reads a text with Windows line ends, says so, and still validates', () => {
    const crlf = QINGSHAN.replace(/\n/g, '\r\n');
    const d = draftArticle(crlf);
    expect(d.article.interviews.flatMap((iv) => iv.turns)).toHaveLength(3);
    expect(d.notes.map((n) => n.message)).toContainEqual(expect.stringContaining('Windows line ends (CRLF)'));
    expect(loadDraft(d, crlf).knowledge.articles[0]?.facts).toHaveLength(article.facts.length);
  });

  it('joins a knowledge folder with no id clashes, next to the shipped article', () => {
    const shippedIds = [
      SHIPPED.source.id,
      ...SHIPPED.facts.map((f) => f.id),
      ...SHIPPED.background.map((b) => b.id),
    ];
    const d = draftArticle(QINGSHAN, { takenIds: ['qs-f01', 'qs-q1', ...shippedIds] });
    expect(d.article.facts[1]?.id).toBe('qs-f01-2');
    expect(d.article.interviews[0]?.turns.map((t) => t.id)).toEqual(['qs-q1-2', 'qs-q2']);
    const { dir } = loadDraft(d, QINGSHAN);
    cpSync(KNOWLEDGE, dir, { recursive: true });
    expect(loadKnowledge(dir).articles).toHaveLength(2);
  });
});

describe('ingesting the second fixture article', () => {
  it('reproduces its hand-written turns and the quotes of its facts', () => {
    const dir = join(FIXTURES, 'second-article');
    const shipped = Article.parse(parse(readFileSync(join(dir, 'test-2017-03-09-p5.yaml'), 'utf8')));
    const text = readFileSync(join(dir, 'sources/test-2017-03-09-p5.txt'), 'utf8');
    const { article } = draftArticle(text, { id: 'test-2017-03-09-p5' });
    const turns = (a: typeof shipped) =>
      a.interviews.flatMap((iv) => iv.turns.map((t) => [t.question, t.answer]));
    expect(turns(article)).toEqual(turns(shipped));
    const quotes = article.facts.map((f) => f.quote);
    for (const f of shipped.facts)
      expect(
        quotes.some((q) => q.includes(f.quote)),
        f.id,
      ).toBe(true);
  });
});
