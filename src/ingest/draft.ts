/**
 * Drafting the knowledge of one interview page: its layout (./layout.ts) turned into the knowledge
 * model (src/knowledge/schema.ts) — source, regions, people, interviews with every turn, stories,
 * background and draft indicator facts — with a list of what could not be placed.
 */
import type {
  Article,
  Background,
  Fact,
  Interview,
  Person,
  Region,
  Source,
  Story,
} from '../knowledge/schema.js';
import { type DraftFact, draftFacts, type FactSource } from './facts.js';
import { IdAllocator, initials, personId, placeId, syllables } from './ids.js';
import {
  type IngestNote,
  type InterviewLayout,
  lineOf,
  type PageLayout,
  readPageLayout,
  type Span,
} from './layout.js';

/** Options of {@link draftArticle}. */
export interface DraftOptions {
  /** The source id (default: publication initials, date and page: nmgrb-2017-02-23-p5). */
  readonly id?: string;
  /** Ids already used in the knowledge folder the draft goes to; drafted ids avoid them. */
  readonly takenIds?: Iterable<string>;
}

/** A drafted fact that could not be placed in a region: written to the YAML as a comment. */
export interface UnplacedFact extends Omit<Fact, 'region' | 'ask'> {
  readonly checks: readonly string[];
}

/** The draft of one article, with everything the maintainer has to look at. */
export interface ArticleDraft {
  readonly article: Article;
  /** Open points about the whole draft (headings not read, speakers not known, guesses). */
  readonly notes: readonly IngestNote[];
  /** What to check per fact, by fact id. */
  readonly factChecks: ReadonlyMap<string, readonly string[]>;
  /** What to check per entry other than facts (turn topics, roles), by entry id. */
  readonly entryChecks: ReadonlyMap<string, readonly string[]>;
  /** Facts with no region: left out of `article.facts`, listed for the maintainer. */
  readonly unplaced: readonly UnplacedFact[];
  /** Figures printed in questions, which are not drafted as facts. */
  readonly questionFigures: number;
}

/** The home region of a publication: what 我区 and 全区 mean on its pages. */
const HOME_REGIONS: Readonly<Record<string, Region>> = {
  内蒙古日报: {
    id: 'neimenggu',
    name: '内蒙古自治区',
    level: '自治区',
    aliases: ['内蒙古', '全区', '我区'],
    romanized: ['neimenggu', 'neimeng'],
  },
};
/** Publication ids people already use. */
const PUBLICATION_IDS: Readonly<Record<string, string>> = { 内蒙古日报: 'nmgrb' };
const LEVEL_PINYIN: Readonly<Record<string, string>> = {
  旗: 'qi',
  县: 'xian',
  市: 'shi',
  区: 'qu',
  盟: 'meng',
};
const REGION_LEVELS = ['旗', '县', '市', '区', '盟'] as const;
const VILLAGER_ROLES = /(村民|牧民|农民|农牧民|居民|贫困户|党员|村支书|大学生|老人|嘎查长|村干部|创业者)$/;

/** Drafts the knowledge of an interview page from its text. */
export function draftArticle(text: string, options: DraftOptions = {}): ArticleDraft {
  const layout = readPageLayout(text);
  const notes: IngestNote[] = [...layout.notes];
  const ids = new IdAllocator(options.takenIds);
  const entryChecks = new Map<string, string[]>();
  const check = (id: string, message: string) => {
    const list = entryChecks.get(id) ?? [];
    list.push(message);
    entryChecks.set(id, list);
  };
  const year = layout.date ? Number(layout.date.slice(0, 4)) : undefined;
  if (text.includes('\r\n')) {
    notes.push({
      message:
        'the text has Windows line ends (CRLF), which the YAML must quote as \\r: convert the file to LF line ends (dos2unix) and ingest it again for a readable draft',
    });
  }

  // ── source ──
  const publication = layout.publication ?? '内蒙古日报';
  const page = layout.page ?? 1;
  const sourceId = ids.take(
    options.id ??
      `${PUBLICATION_IDS[publication] ?? initials(publication)}-${layout.date ?? 'undated'}-p${page}`,
  );
  const source: Source = {
    id: sourceId,
    publication,
    date: layout.date ?? 'YYYY-MM-DD',
    page,
    ...(layout.section ? { section: layout.section } : {}),
    ...(layout.column ? { column: layout.column } : {}),
    title: layout.title ?? '（标题）',
    file: `sources/${sourceId}.txt`,
    editors: layout.editors.map(({ role, name }) => ({ role, name })),
    ...(layout.intro ? { intro: slice(text, layout.intro) } : {}),
  };
  if (!layout.title) notes.push({ message: 'no title found: set source.title' });

  // ── regions: one per interviewed place, named as the body names it ──
  const regions: (Region & { prefix: string })[] = [];
  const regionOfInterview = new Map<InterviewLayout, string>();
  const roleOfInterview = new Map<InterviewLayout, string>();
  const prefixes = new Set<string>();
  for (const iv of layout.interviews) {
    const known = regions.find((r) => r.aliases.includes(iv.stem) || r.name.startsWith(iv.stem));
    const level = known?.level ?? levelOf(text, iv);
    const name = `${iv.stem}${level}`;
    const role = iv.role.replace(iv.printedLevel, level);
    roleOfInterview.set(iv, role);
    if (level !== iv.printedLevel) {
      notes.push({
        line: iv.line,
        message: `the heading prints ${iv.regionRole}, but the text calls it ${name} (${countLevel(text, iv, level)} times vs ${countLevel(text, iv, iv.printedLevel)}): modelled as ${name} with ${iv.stem}${iv.printedLevel} as an alias, and the role as ${role}; check`,
      });
    }
    if (known) {
      regionOfInterview.set(iv, known.id);
      continue;
    }
    const abbreviation = `${iv.stem[0] ?? ''}${level}`;
    const printedAbbreviation = iv.stem.length > 2 && abbreviation !== name && text.includes(abbreviation);
    const aliases = unique([
      ...(iv.stem.length >= 2 ? [iv.stem] : []),
      ...REGION_LEVELS.filter((l) => l !== level && text.includes(`${iv.stem}${l}`)).map(
        (l) => `${iv.stem}${l}`,
      ),
      ...(printedAbbreviation ? [abbreviation] : []),
    ]);
    const stemPinyin = placeId(iv.stem);
    const romanized = unique([
      stemPinyin,
      `${stemPinyin}${LEVEL_PINYIN[level] ?? ''}`,
      ...(printedAbbreviation ? [syllables(abbreviation, { place: true }).join('')] : []),
    ]);
    let prefix = printedAbbreviation
      ? initials(abbreviation, { place: true })
      : initials(iv.stem.slice(0, 2), { place: true });
    if (prefixes.has(prefix)) prefix = initials(iv.stem, { place: true });
    prefixes.add(prefix);
    const parent = parentOf(text, name);
    const region = {
      id: ids.take(stemPinyin, 'article'),
      name,
      level: level as Region['level'],
      aliases,
      romanized,
      ...(parent ? { parent } : {}),
      prefix,
    };
    regions.push(region);
    regionOfInterview.set(iv, region.id);
  }
  const home = HOME_REGIONS[publication];
  const homeRegion = home
    ? { ...home, id: ids.take(home.id, 'article'), prefix: initials(home.aliases[0] ?? home.name) }
    : undefined;
  const allRegions = homeRegion ? [...regions, homeRegion] : regions;
  const prefixOf = (regionId: string | undefined) => allRegions.find((r) => r.id === regionId)?.prefix ?? 'x';
  const mentions = mentionFinder(allRegions);
  const placeMentions = (t: string) => mentions(t).filter((id) => id !== homeRegion?.id);

  // ── people ──
  const people: Person[] = [];
  const personByName = new Map<string, string>();
  const addPerson = (p: Omit<Person, 'id'>): string => {
    const existing = personByName.get(p.name);
    if (existing) return existing;
    const id = ids.take(personId(p.name), 'article');
    people.push({ id, ...p });
    personByName.set(p.name, id);
    return id;
  };

  // ── interviews ──
  const interviews: Interview[] = [];
  const factSources: FactSource[] = [];
  const questionSpans: Span[] = [];
  for (const iv of layout.interviews) {
    const region = regionOfInterview.get(iv) ?? '';
    const prefix = prefixOf(region);
    const official = addPerson({
      name: iv.official,
      kind: 'official',
      role: roleOfInterview.get(iv) ?? iv.role,
      region,
      about: iv.dialogueLine,
    });
    let reporter: string;
    if (iv.reporter) {
      reporter = addPerson({
        name: iv.reporter,
        kind: 'reporter',
        role: iv.reporterRole ?? '本报记者',
        region,
        ...(iv.reporterLine ? { about: iv.reporterLine } : {}),
      });
    } else {
      reporter = addPerson({ name: '本报记者', kind: 'reporter', role: '本报记者' });
      check(reporter, 'placeholder: the page names no reporter for this interview');
    }
    const interviewId = ids.take(`${region}-interview`);
    const turns = iv.turns.map((t, n) => {
      const question = slice(text, t.question);
      const turnId = ids.take(`${prefix}-q${n + 1}`);
      check(turnId, 'topic drafted from the question: shorten or rename it; add `ask` phrases');
      questionSpans.push(t.question);
      const future = /将|今年|接下来|下一步|计划|目标|打算|明年|新的一年/.test(question);
      const asked = /(\d{4})年/.exec(question)?.[1];
      const past = /去年|过去一年|过去的一年|上一年/.test(question);
      const period = asked ?? (year === undefined ? undefined : String(future && !past ? year : year - 1));
      factSources.push({
        from: { kind: 'turn', id: turnId },
        span: t.answer,
        region,
        ...(period ? { period } : {}),
        status: future && !past ? 'target' : 'actual',
        ...(asked || future || past
          ? {}
          : {
              periodBasis: 'assumed: the year before the article (neither clause nor question names a time)',
            }),
      });
      return {
        id: turnId,
        topic: topicOf(question, allRegions),
        question,
        answer: slice(text, t.answer),
        ask: [],
      };
    });
    if (turns.length === 0) {
      notes.push({ line: iv.line, message: `the interview with ${iv.official} has no turns: left out` });
      continue;
    }
    const summary = iv.summary ? slice(text, iv.summary) : (iv.headline ?? iv.dialogueLine);
    interviews.push({
      id: interviewId,
      region,
      official,
      reporter,
      headline: iv.headline ?? '（标题）',
      summary,
      turns,
    });
    if (iv.summary) {
      factSources.push({
        from: { kind: 'summary', id: interviewId },
        span: iv.summary,
        region,
        ...(year !== undefined ? { period: String(year - 1) } : {}),
        status: 'actual',
        periodBasis: 'assumed: the year before the article (核心提示 sums up the past year)',
      });
    }
  }

  // ── stories ──
  const stories: Story[] = [];
  let lastStoryRegion: string | undefined;
  for (const s of layout.stories) {
    const body = slice(text, s.text);
    const region = placeMentions(`${s.title}\n${body}`)[0] ?? regions[0]?.id ?? '';
    if (!placeMentions(`${s.title}\n${body}`)[0]) {
      notes.push({ line: s.line, message: `the story "${s.title}" names no known region: set its region` });
    }
    lastStoryRegion = region;
    const villager = villagerOf(s.caption, s.title, body);
    const storyPeople: string[] = [];
    if (villager) {
      const id = addPerson({
        name: villager.name,
        kind: 'villager',
        role: villager.role,
        region,
        about: villager.about,
      });
      if (villager.guessedRole) check(id, `role "${villager.role}" guessed: the text does not say`);
      storyPeople.push(id);
    } else notes.push({ line: s.line, message: `no person found in the story "${s.title}": set its people` });
    let author: string;
    if (s.author) {
      author = addPerson({
        name: s.author,
        kind: 'author',
        role: '百姓声音作者',
        region,
        ...(s.byline ? { about: s.byline } : {}),
      });
    } else {
      author = addPerson({ name: '佚名', kind: 'author', role: '百姓声音作者' });
      check(author, 'placeholder: the story has no byline');
    }
    const storyId = ids.take(`story-${storyPeople[0] ?? prefixOf(region)}`);
    stories.push({
      id: storyId,
      region,
      title: s.title,
      text: body,
      ...(s.caption ? { caption: s.caption } : {}),
      author,
      people: storyPeople,
      ask: [],
    });
    factSources.push({
      from: { kind: 'story', id: storyId },
      span: s.text,
      region,
      speaker: author,
      ...(year !== undefined ? { period: String(year - 1) } : {}),
      status: 'actual',
      periodBasis: 'assumed: the year before the article (the story names no time)',
    });
  }

  // ── background ──
  const background: Background[] = [];
  let previous: { region: string; section: number } | undefined;
  for (const b of layout.background) {
    const t = slice(text, b.text);
    const named = placeMentions(t)[0];
    const region =
      named ??
      (previous?.section === b.section ? previous.region : undefined) ??
      lastStoryBefore(layout, b.line, placeMentions) ??
      lastStoryRegion;
    if (!region) {
      notes.push({ line: b.line, message: 'a 背景链接 paragraph that names no known region: left out' });
      continue;
    }
    if (!named)
      notes.push({
        line: b.line,
        message: `a 背景链接 paragraph names no region: placed in ${region} by position; check`,
      });
    previous = { region, section: b.section };
    const id = ids.take(`${prefixOf(region)}-bg-${background.filter((x) => x.region === region).length + 1}`);
    background.push({ id, region, text: t, ask: [] });
    factSources.push({
      from: { kind: 'background', id },
      span: b.text,
      region,
      period: '当前',
      status: 'actual',
    });
  }

  // ── intro ──
  if (layout.intro) factSources.unshift({ from: { kind: 'intro' }, span: layout.intro });

  // ── facts ──
  const context = {
    text,
    ...(year !== undefined ? { year } : {}),
    regionsIn: mentions,
    ...(homeRegion ? { home: homeRegion.id } : {}),
  };
  const all: DraftFact[] = factSources.flatMap((s) => draftFacts(s, context));
  // 核心提示 repeats clauses of the answers word for word: those are drafted from the answer only.
  const answerQuotes = all.filter((d) => d.from.kind === 'turn').map((d) => d.quote);
  const drafted = all.filter(
    (d) => d.from.kind !== 'summary' || !d.clauses.every((c) => answerQuotes.some((q) => q.includes(c))),
  );
  const facts: Fact[] = [];
  const unplaced: UnplacedFact[] = [];
  const factChecks = new Map<string, readonly string[]>();
  const counters = new Map<string, number>();
  for (const d of drafted) {
    const key = d.region ?? 'unplaced';
    const n = (counters.get(key) ?? 0) + 1;
    counters.set(key, n);
    const id = ids.take(`${d.region ? prefixOf(d.region) : 'unplaced'}-f${String(n).padStart(2, '0')}`);
    const base = {
      id,
      indicator: d.indicator,
      values: d.values,
      period: d.period,
      status: d.status,
      quote: d.quote,
      from: d.from,
      ...(d.speaker ? { speaker: d.speaker } : {}),
    };
    if (d.region) {
      facts.push({ ...base, region: d.region, ask: [] });
      if (d.checks.length > 0) factChecks.set(id, d.checks);
    } else {
      unplaced.push({ ...base, checks: d.checks });
      notes.push({
        line: lineOf(text, d.span.start),
        message: `a figure with no region: "${d.quote}" (${d.values.map((v) => v.text).join(', ')}): listed at the end, commented out`,
      });
    }
  }
  const usedRegions = new Set([...regions.map((r) => r.id), ...facts.map((f) => f.region)]);

  const questionFigures = questionSpans.reduce(
    (n, s) => n + (slice(text, s).match(/\d+(?:\.\d+)?/g)?.length ?? 0),
    0,
  );

  const article: Article = {
    source,
    regions: allRegions.filter((r) => usedRegions.has(r.id)).map(({ prefix: _prefix, ...r }) => r),
    people: [
      ...people.filter((p) => p.kind === 'official'),
      ...people.filter((p) => p.kind === 'reporter'),
      ...people.filter((p) => p.kind === 'villager'),
      ...people.filter((p) => p.kind === 'author'),
      ...layout.editors.map((e) => ({
        id: ids.take(personId(e.name), 'article'),
        name: e.name,
        kind: 'editor' as const,
        role: e.role,
        about: e.printed,
      })),
    ],
    interviews,
    stories,
    background,
    facts,
    examples: [],
  };
  if (regions.length === 0)
    notes.push({ message: 'no region found (no readable 对话人 line): add the regions by hand' });
  return { article, notes, factChecks, entryChecks, unplaced, questionFigures };
}

/** Which level (旗, 县 …) the text itself uses for the interviewed place, the heading's when it cannot tell. */
function levelOf(text: string, iv: InterviewLayout): string {
  let best = iv.printedLevel;
  let bestCount = countLevel(text, iv, best);
  for (const level of REGION_LEVELS) {
    const n = countLevel(text, iv, level);
    if (n > bestCount) {
      best = level;
      bestCount = n;
    }
  }
  return best;
}

/**
 * How often the text uses `level` for the place: `克什克腾旗` outside the printed headings, plus
 * 全旗 / 我旗 / 旗委 in the interview's own answers.
 */
function countLevel(text: string, iv: InterviewLayout, level: string): number {
  const named =
    count(text, `${iv.stem}${level}`) - (level === iv.printedLevel ? count(text, iv.regionRole) : 0);
  const block = text.slice(iv.block.start, iv.block.end);
  const own =
    block.match(new RegExp(`[全我该本]${level}|${level}委|${level}政府|${level}长`, 'g'))?.length ?? 0;
  const heading = level === iv.printedLevel ? count(block, iv.role) : 0;
  return named + own - heading;
}

/** `克什克腾旗位于内蒙古东部、赤峰市西北部` → 赤峰市. */
function parentOf(text: string, name: string): string | undefined {
  const at = text.indexOf(`${name}位于`);
  if (at < 0) return undefined;
  const sentence = text.slice(at, text.indexOf('。', at) >>> 0 || undefined);
  const m = /位于[^。]*?([\u3400-\u9fff]{2,4}?[市盟])/.exec(sentence);
  return m?.[1] && m[1] !== name ? m[1] : undefined;
}

/** A function listing the regions a text names, in order of first mention. */
function mentionFinder(regions: readonly Region[]): (text: string) => string[] {
  const names = regions
    .flatMap((r) => [r.name, ...r.aliases].map((n) => ({ n, id: r.id })))
    .sort((a, b) => b.n.length - a.n.length);
  return (text) => {
    const found: { at: number; id: string }[] = [];
    for (const { n, id } of names) {
      for (let i = text.indexOf(n); i >= 0; i = text.indexOf(n, i + 1)) found.push({ at: i, id });
    }
    return unique(found.sort((a, b) => a.at - b.at).map((f) => f.id));
  };
}

function lastStoryBefore(
  layout: PageLayout,
  line: number,
  placeMentions: (t: string) => string[],
): string | undefined {
  const story = [...layout.stories].reverse().find((s) => s.line < line);
  return story ? placeMentions(`${story.title}\n${slice(layout.text, story.text)}`)[0] : undefined;
}

/**
 * The person a 百姓声音 story is about: the name its caption (or title) starts with that the text
 * repeats — 宋太成在给羊喂草 → 宋太成 — with the role printed before the name (村民宋太成).
 */
function villagerOf(
  caption: string | undefined,
  title: string,
  body: string,
): { name: string; role: string; about: string; guessedRole: boolean } | undefined {
  let name: string | undefined;
  for (const head of [caption ?? '', title]) {
    for (const len of [3, 2, 4]) {
      const candidate = head.slice(0, len);
      if (/^[\u3400-\u9fff]+$/.test(candidate) && candidate.length === len && count(body, candidate) >= 2) {
        name = candidate;
        break;
      }
    }
    if (name) break;
  }
  if (!name) return undefined;
  const at = body.indexOf(name);
  // The clause of the first mention, up to the name: 克什克腾旗经棚镇常善村前六地组村民宋太成.
  const clauseStart = Math.max(...['，', '。', '\n', '：'].map((p) => body.lastIndexOf(p, at))) + 1;
  const about = body.slice(clauseStart, at + name.length).replace(/^(?:但|而|可|却|就|也|又)/, '');
  const before = body.slice(clauseStart, at);
  const role = VILLAGER_ROLES.exec(before)?.[1] ?? (/家住|小区|社区/.test(before) ? '居民' : undefined);
  return {
    name,
    role: role ?? '群众',
    about,
    guessedRole: role === undefined || !VILLAGER_ROLES.test(before),
  };
}

/** A draft topic from the reporter's question: 克旗在扶贫机制建设上都做了哪些探索？ → 扶贫机制建设. */
export function topicOf(question: string, regions: readonly Region[]): string {
  const names = regions.flatMap((r) => [r.name, ...r.aliases]).sort((a, b) => b.length - a.length);
  const clauses = question.split(/[，。？！；：,?!]/).filter(Boolean);
  for (let i = clauses.length - 1; i >= 0; i--) {
    let c = clauses[i] ?? '';
    for (const n of names) c = c.split(n).join('');
    c = c
      .replace(
        /^(?:那么|请问\S{0,3}?书记|请问|接下来|我县|我旗|我市|是|又|都|将|具体|能不能|谈谈|去年|今年|明年|过去一年|在过去一年|的)+/,
        '',
      )
      // 如何突出精准扶贫中的“准”字: what follows the question word is the topic.
      .replace(/^(?:如何|怎样|怎么|是如何)/, '')
      .replace(
        /(?:是|都|具体|又|有|到底|着重|重点)*(?:做了|采取了|采取|有)?(?:哪些|什么|如何|怎样|怎么|多少|几个|吗|呢|到底如何).*$/,
        '',
      )
      .replace(/^(?:在|对|从|的)+/, '')
      .replace(/(?:上|中|方面|的|都|具体|做了|采取了)+$/, '')
      .replace(/[“”"]/g, '');
    if (c.length >= 2) return c.slice(0, 20);
  }
  return question.replace(/[？?]$/, '').slice(0, 16);
}

function slice(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

function count(text: string, needle: string): number {
  if (!needle) return 0;
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
