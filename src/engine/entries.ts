/**
 * The engine's view of the knowledge: one flat list of entries (facts, interview turns, stories,
 * background blocks, people, the source itself), each with the fields it is searched by, the text
 * its lead is cut from, who said it and where it was printed.
 */
import type { Knowledge, LoadedArticle } from '../knowledge/load.js';
import type { Fact, Interview, Person, Region, Turn } from '../knowledge/schema.js';
import { normalizeText } from './normalize.js';
import { stripFillers } from './query.js';
import type { Citation, EntryKind, EntryRef, Speaker } from './types.js';

/** A search field with its weight: the words of `ask` lists weigh more than a long answer. */
export interface SearchField {
  readonly text: string;
  readonly weight: number;
}

/** One thing the engine can answer from. */
export interface Entry {
  readonly id: string;
  readonly kind: EntryKind;
  readonly articleId: string;
  readonly region?: Region;
  readonly label: string;
  readonly exampleQuestion: string;
  readonly fields: readonly SearchField[];
  /** The key phrases (indicator, ask phrases, topic, title, name), normalized, for whole-phrase matches. */
  readonly phrases: readonly string[];
  /** The verbatim text the lead is taken from. */
  readonly body: string;
  readonly speaker?: Speaker;
  readonly citation: Citation;
  /** Entries a user may want next: a fact's turn, a turn's facts. */
  readonly relatedIds: readonly string[];
  readonly fact?: Fact;
  readonly turn?: Turn & { readonly interviewId: string; readonly reporter: string };
  readonly person?: Person & { readonly relation: string };
  /** For the source entry: the composed description of the page. */
  readonly about?: string;
}

/** The entries of a knowledge base, with lookups by id and by region. */
export interface EntrySet {
  readonly entries: readonly Entry[];
  readonly byId: ReadonlyMap<string, Entry>;
  readonly regions: readonly Region[];
}

/** Builds the entries of every article in `knowledge`. */
export function buildEntries(knowledge: Knowledge): EntrySet {
  const entries: Omit<Entry, 'phrases'>[] = [];
  const regions = new Map<string, Region>();
  for (const article of knowledge.articles) {
    for (const r of article.regions) {
      const known = regions.get(r.id);
      regions.set(r.id, known ? mergeRegions(known, r) : r);
    }
    entries.push(...articleEntries(article));
  }
  // Regions shared by articles are merged, so entries point at the merged region.
  const withRegions = entries.map((e) => ({
    ...e,
    ...(e.region ? { region: regions.get(e.region.id) ?? e.region } : {}),
    phrases: [
      ...new Set(
        (e.fields[0]?.text ?? '')
          .split(/\s+/)
          .map((p) => stripFillers(normalizeText(p)).replace(/\s+/g, ''))
          .filter((p) => p.length >= 2),
      ),
    ],
  }));
  return {
    entries: withRegions,
    byId: new Map(withRegions.map((e) => [e.id, e])),
    regions: [...regions.values()],
  };
}

function mergeRegions(a: Region, b: Region): Region {
  return {
    ...a,
    aliases: [...new Set([...a.aliases, ...b.aliases])],
    romanized: [...new Set([...a.romanized, ...b.romanized])],
  };
}

/** A reference to an entry, as the answer shapes carry it. */
export function refOf(e: Entry): EntryRef {
  return {
    id: e.id,
    kind: e.kind,
    label: e.label,
    question: e.exampleQuestion,
    ...(e.region ? { regionId: e.region.id, regionName: e.region.name } : {}),
  };
}

function articleEntries(a: LoadedArticle): Omit<Entry, 'phrases'>[] {
  const regionOf = new Map(a.regions.map((r) => [r.id, r]));
  const personOf = new Map(a.people.map((p) => [p.id, p]));
  const interviewOfTurn = new Map<string, Interview>();
  for (const iv of a.interviews) for (const t of iv.turns) interviewOfTurn.set(t.id, iv);
  const interviewOfRegion = new Map(a.interviews.map((iv) => [iv.region, iv]));

  const cite = (section: string, headline?: string): Citation => ({
    sourceId: a.source.id,
    publication: a.source.publication,
    date: a.source.date,
    page: a.source.page,
    title: a.source.title,
    section,
    ...(headline ? { headline } : {}),
  });
  const speakerOf = (p: Person | undefined): Speaker | undefined => {
    if (!p) return undefined;
    const region = p.region ? regionOf.get(p.region) : undefined;
    return { name: p.name, role: p.role, ...(region ? { regionName: region.name } : {}) };
  };
  const regionWords = (r: Region | undefined) => (r ? [r.name, ...r.aliases].join(' ') : '');
  const out: Omit<Entry, 'phrases'>[] = [];

  for (const iv of a.interviews) {
    const region = regionOf.get(iv.region);
    const official = personOf.get(iv.official);
    const reporter = personOf.get(iv.reporter);
    for (const t of iv.turns) {
      const facts = a.facts.filter((f) => f.from.kind === 'turn' && f.from.id === t.id).map((f) => f.id);
      out.push({
        id: t.id,
        kind: 'turn',
        articleId: a.source.id,
        ...(region ? { region } : {}),
        label: t.topic,
        exampleQuestion: `${region?.name ?? ''}${t.topic}是怎么做的？`,
        fields: [
          { text: [t.topic, ...t.ask].join(' '), weight: 3 },
          { text: t.question, weight: 2 },
          { text: t.answer, weight: 1 },
          { text: official ? `${official.name} ${official.role}` : '', weight: 0.5 },
        ],
        body: t.answer,
        ...(official ? { speaker: speakerOf(official) as Speaker } : {}),
        citation: cite('对话', iv.headline),
        relatedIds: facts,
        turn: { ...t, interviewId: iv.id, reporter: reporter?.name ?? '' },
      });
    }
  }

  for (const iv of a.interviews) {
    const region = regionOf.get(iv.region);
    const official = personOf.get(iv.official);
    const reporter = personOf.get(iv.reporter);
    const who = official ? roleWithRegion(region?.name ?? '', official.role) + official.name : '';
    out.push({
      id: iv.id,
      kind: 'interview',
      articleId: a.source.id,
      ...(region ? { region } : {}),
      label: `对话《${iv.headline}》`,
      exampleQuestion: `${region?.name ?? ''}那篇访谈讲了什么？`,
      fields: [
        {
          text: [
            iv.headline,
            '访谈 对话 采访 标题 题目 核心提示 摘要 概况 总体 成效',
            official?.name ?? '',
            reporter?.name ?? '',
          ].join(' '),
          weight: 2,
        },
        { text: iv.summary, weight: 1 },
      ],
      body: `对话《${iv.headline}》，对话人：${who}，${reporter ? `${reporter.role}${reporter.name}` : ''}。核心提示：${iv.summary}`,
      ...(official ? { speaker: speakerOf(official) as Speaker } : {}),
      citation: cite('核心提示', iv.headline),
      relatedIds: iv.turns.map((t) => t.id),
    });
  }

  for (const f of a.facts) {
    const region = regionOf.get(f.region);
    const iv = f.from.kind === 'turn' && f.from.id ? interviewOfTurn.get(f.from.id) : undefined;
    const speaker = f.speaker ? personOf.get(f.speaker) : iv ? personOf.get(iv.official) : undefined;
    const section = {
      turn: '对话',
      summary: '核心提示',
      story: '百姓声音',
      background: '背景链接',
      intro: '导语',
    }[f.from.kind];
    out.push({
      id: f.id,
      kind: 'fact',
      articleId: a.source.id,
      ...(region ? { region } : {}),
      label: f.indicator,
      exampleQuestion: `${region && region.level !== '自治区' ? region.name : ''}${f.indicator}是多少？`,
      fields: [
        { text: [f.indicator, ...f.ask].join(' '), weight: 3 },
        { text: f.quote, weight: 1.5 },
        { text: contextSentence(a.sourceText, f.quote), weight: 0.4 },
      ],
      body: contextSentence(a.sourceText, f.quote),
      ...(speaker ? { speaker: speakerOf(speaker) as Speaker } : {}),
      citation: cite(
        section,
        iv?.headline ?? (region ? interviewOfRegion.get(region.id)?.headline : undefined),
      ),
      relatedIds: f.from.id ? [f.from.id] : [],
      fact: f,
    });
  }

  for (const s of a.stories) {
    const region = regionOf.get(s.region);
    const author = personOf.get(s.author);
    const people = s.people.map((id) => personOf.get(id)?.name ?? '').join(' ');
    out.push({
      id: s.id,
      kind: 'story',
      articleId: a.source.id,
      ...(region ? { region } : {}),
      label: s.title,
      exampleQuestion: `${people || s.title}家有什么变化？`,
      fields: [
        { text: [s.title, people, ...s.ask].join(' '), weight: 3 },
        { text: s.caption ? `照片 图片 配图 ${s.caption}` : '', weight: 1 },
        { text: s.text, weight: 1 },
      ],
      body: s.caption ? `${s.text}\n\n配图：${s.caption}` : s.text,
      ...(author ? { speaker: { ...(speakerOf(author) as Speaker), role: '百姓声音作者' } } : {}),
      citation: cite('百姓声音'),
      relatedIds: a.facts.filter((f) => f.from.kind === 'story' && f.from.id === s.id).map((f) => f.id),
    });
  }

  for (const b of a.background) {
    const region = regionOf.get(b.region);
    out.push({
      id: b.id,
      kind: 'background',
      articleId: a.source.id,
      ...(region ? { region } : {}),
      label: `${region?.name ?? ''}背景`,
      exampleQuestion: `${region?.name ?? ''}在哪里，是什么样的地方？`,
      fields: [
        {
          text: [
            regionWords(region),
            '背景',
            ...(region?.parent ? [`隶属${region.parent}`, region.parent] : []),
            ...b.ask,
          ].join(' '),
          weight: 2,
        },
        { text: b.text, weight: 1.2 },
      ],
      body: b.text,
      citation: cite('背景链接'),
      relatedIds: a.facts.filter((f) => f.from.kind === 'background' && f.from.id === b.id).map((f) => f.id),
    });
  }

  for (const p of a.people) {
    const region = p.region ? regionOf.get(p.region) : undefined;
    const relation = describePerson(p, a, personOf, regionOf);
    out.push({
      id: p.id,
      kind: 'person',
      articleId: a.source.id,
      ...(region ? { region } : {}),
      label: `${p.name}（${p.role}）`,
      exampleQuestion: `${p.name}是谁？`,
      fields: [
        { text: `${p.name} ${p.role}`, weight: 4 },
        { text: `${relation} ${p.about ?? ''} ${PERSON_WORDS[p.kind]}`, weight: 1 },
      ],
      body: relation,
      citation: cite(p.kind === 'editor' ? '报头' : '对话'),
      relatedIds: [],
      person: { ...p, relation },
    });
  }

  const editors = a.source.editors.map((e) => `${e.role}${e.name}`).join('，');
  const interviewees = a.interviews
    .map((iv) => {
      const o = personOf.get(iv.official);
      const region = regionOf.get(iv.region)?.name ?? '';
      return o ? `${roleWithRegion(region, o.role)}${o.name}` : region;
    })
    .join('、');
  const about = `《${a.source.publication}》${formatDate(a.source.date)}（${weekdayOf(a.source.date)}）第${a.source.page}版${
    a.source.section ? `“${a.source.section}”` : ''
  }${a.source.column ? `（${a.source.column}）` : ''}，标题《${a.source.title}》${
    interviewees ? `，对话${interviewees}` : ''
  }${editors ? `；${editors}` : ''}。`;
  out.push({
    id: a.source.id,
    kind: 'source',
    articleId: a.source.id,
    label: `《${a.source.title}》`,
    exampleQuestion: '这篇报道是哪天登在哪份报纸上的？',
    fields: [
      {
        text: `${a.source.publication} 报纸 报道 文章 出处 来源 日期 哪天 哪一天 日子 出版 发表 刊登 刊发 登载 版面 第几版 哪版 这一版 本版 标题 题目 大标题 总标题 编辑 主编 责任编辑 版式 制图 会议 精神 栏目`,
        weight: 2,
      },
      { text: `${a.source.title} ${a.source.section ?? ''} ${a.source.column ?? ''}`, weight: 1 },
    ],
    body: about,
    citation: cite('报头'),
    relatedIds: a.interviews.map((iv) => iv.turns[0]?.id ?? '').filter(Boolean),
    about,
  });
  return out;
}

// How people ask for someone of each kind, beyond their role as printed.
const PERSON_WORDS: Record<Person['kind'], string> = {
  official: '书记 领导 一把手 职务 职位 身份 负责人 对话人 受访',
  reporter: '记者 采访 提问 对话 访谈',
  villager: '村民 居民 百姓 老百姓 住在 家住 人物 故事 主人公',
  author: '作者 记者 写 撰写 撰稿 稿子 文章 署名',
  editor: '编辑 主编 版面 负责 本版',
};

/** 兴和县 + 县委书记 → 兴和县委书记; 克什克腾旗 + 旗委书记 → 克什克腾旗委书记. */
export function roleWithRegion(region: string, role: string): string {
  if (!region) return role;
  const suffix = region.slice(-1);
  return role.startsWith(suffix) ? `${region}${role.slice(1)}` : `${region}${role}`;
}

/** 2017-02-23 → 星期四. */
export function weekdayOf(date: string): string {
  return `星期${'日一二三四五六'[new Date(`${date}T00:00:00Z`).getUTCDay()] ?? ''}`;
}

/** 2017-02-23 → 2017年2月23日. */
export function formatDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** The sentence of the source that holds the quote (the quote itself if it spans sentences). */
function contextSentence(source: string, quote: string): string {
  const at = source.indexOf(quote);
  if (at < 0) return quote;
  const before = source.slice(0, at);
  const start =
    Math.max(
      before.lastIndexOf('。'),
      before.lastIndexOf('！'),
      before.lastIndexOf('？'),
      before.lastIndexOf('\n'),
    ) + 1;
  const rest = source.slice(at + quote.length);
  const m = /[。！？\n]/.exec(rest);
  const end = at + quote.length + (m ? m.index + (m[0] === '\n' ? 0 : 1) : rest.length);
  // A turn's first sentence opens with its speaker ("刘政："): the speaker is cited apart.
  return source
    .slice(start, end)
    .trim()
    .replace(/^[\u4e00-\u9fff]{2,4}：/, '');
}

/** One sentence saying who a person is on this page, composed from the knowledge. */
function describePerson(
  p: Person,
  a: LoadedArticle,
  personOf: ReadonlyMap<string, Person>,
  regionOf: ReadonlyMap<string, Region>,
): string {
  const regionName = (id: string | undefined) => (id ? (regionOf.get(id)?.name ?? '') : '');
  switch (p.kind) {
    case 'official': {
      const iv = a.interviews.find((i) => i.official === p.id);
      const reporter = iv ? personOf.get(iv.reporter) : undefined;
      return `${p.name}，${roleWithRegion(regionName(p.region), p.role)}${
        reporter ? `，接受${reporter.role}${reporter.name}的采访（对话《${iv?.headline}》）` : ''
      }。`;
    }
    case 'reporter': {
      const ivs = a.interviews.filter((i) => i.reporter === p.id);
      const whom = ivs
        .map((i) => {
          const o = personOf.get(i.official);
          return o ? `${roleWithRegion(regionName(o.region), o.role)}${o.name}` : '';
        })
        .filter(Boolean)
        .join('、');
      return `${p.name}，${p.role}${whom ? `，采访了${whom}` : ''}。`;
    }
    case 'author': {
      // The story's people are named too: 谁写的王进花 finds the author.
      const stories = a.stories
        .filter((s) => s.author === p.id)
        .map((s) => {
          const about = s.people.map((id) => personOf.get(id)?.name ?? '').filter(Boolean);
          return `《${s.title}》${about.length ? `（写${about.join('、')}）` : ''}`;
        });
      return `${p.name}，百姓声音${stories.join('、')}的作者。`;
    }
    case 'villager': {
      const stories = a.stories.filter((s) => s.people.includes(p.id)).map((s) => `《${s.title}》`);
      return `${p.about ?? p.name}${stories.length ? `，是百姓声音${stories.join('、')}讲述的人物` : ''}。`;
    }
    case 'editor':
      return `${p.name}，本版${p.role}（《${a.source.publication}》${formatDate(a.source.date)}第${a.source.page}版）。`;
  }
}
