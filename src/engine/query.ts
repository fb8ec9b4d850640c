/**
 * Reading a question: clean it up, find the regions it names (they filter, they are not search
 * words), what kind of answer it wants (a figure, an official's account, a person, a place or date),
 * whether it asks for a plan or a result, and the words left to search with.
 */
import type { Region } from '../knowledge/schema.js';
import { ENGLISH, OTHER_PLACES, SYNONYMS } from './lexicon.js';
import {
  arabizeNumerals,
  createPinyinMatcher,
  createPlaceNameCorrector,
  normalizeText,
  stripAddressing,
  stripPoliteness,
} from './normalize.js';

/** What a question wants back. */
export type Intent = 'figure' | 'howwhat' | 'who' | 'where' | 'when' | 'general';

/** A question, read. */
export interface ParsedQuestion {
  /** The question as normalized (simplified, half-width, numerals as digits, names corrected). */
  readonly text: string;
  /** The regions named, most specific first (a person named brings their region). */
  readonly regions: readonly Region[];
  /** How many regions (below the autonomous region) the question names itself, not through a person. */
  readonly explicitRegions: number;
  readonly intent: Intent;
  /** 今年/计划/目标 → 'target'; 去年/已经/完成 → 'actual'; both asked → 'both'. */
  readonly period?: 'target' | 'actual' | 'both';
  /** A period asked in so many words (计划发放, 已经完成): an answer of the other status is no answer. */
  readonly strictPeriod?: 'target' | 'actual';
  /** Asks to compare or list several (哪个多, 分别, 对比). */
  readonly comparison: boolean;
  /** A yes/no check of a figure (是不是161个, 有一万六千多吗, 六千人左右): the number, its unit, and how loose. */
  readonly check?: {
    readonly number: string;
    readonly unit: string;
    readonly text: string;
    readonly qualifier?: 'more' | 'about' | 'less';
  };
  /** The text left to search: region names, question words, periods and particles taken out. */
  readonly searchText: string;
  /** Colloquial words of `searchText` and the newspaper's words for them. */
  readonly synonyms: readonly Synonym[];
  /** A year the question asks about (去年 → the year before the article's), for matching periods. */
  readonly year?: string;
  /** Places named that are not regions of the knowledge (云南, 北京). */
  readonly otherPlaces: readonly string[];
  /** People of the knowledge named in the question. */
  readonly peopleNamed: readonly string[];
  /** Asks who wrote something (谁写的, 作者, 署名). */
  readonly authorAsked: boolean;
  /** Words that add to an entry's score when it holds them, but never count against one that does not. */
  readonly bonus?: readonly string[];
  /** Asks for someone's name (叫什么名字, 姓名). */
  readonly nameAsked: boolean;
  /** The previous question, when this one only followed it up ("那兴和县呢？"). */
  readonly followUpOf?: string;
  /** Greeting or thanks only. */
  readonly smallTalk?: 'greeting' | 'thanks';
}

/** A word of the question and other words that mean the same (花钱 → 支出, 投资, 资金). */
export interface Synonym {
  readonly span: string;
  readonly alternatives: readonly string[];
}

/** Reads questions against a set of regions. */
export interface QuestionReader {
  read(question: string, botUsername?: string): ParsedQuestion;
}

const FIGURE =
  /多少|几[个户人名所套只项间次成倍口岁年万亿千百]|几多|比例|比重|占比|多大|多高|多长|多远|多重|多快|[^效功频概]率|数量|数目|数字|金额|规模|总数|总额|总量|人数|户数|面积|百分之|哪年|哪一年|何年|几年|收入|支出|投资|资金|贷款|增长|增幅/;
const HOWWHAT =
  /为啥|干啥|怎么|怎样|怎麼|如何|哪些|什么样|啥样|措施|做法|经验|举措|办法|方法|咋|为什么|为何|介绍|谈谈|说说|讲讲|聊聊|情况|成效|效果|打算|思路|安排|模式|机制|探索|工作|亮点|特色|措[施]|干了啥|做了啥|做了什么|有何/;
const WHO = /谁|哪位|哪个人|什么人|名字|姓名|记者|作者|编辑|主编|制图|策划|采访了|对话人/;
const WHERE =
  /哪里|哪儿|在哪|什么地方|啥地方|位置|位于|地处|交界|地理|哪个市|哪个盟|哪个省|归哪|隶属|属于哪|哪个村|哪个镇|哪个小区|住在|家住/;
const WHEN =
  /什么时候|啥时候|哪天|哪一天|日期|几号|几月|哪期|哪一期|哪版|第几版|哪一版|哪份报|什么报|出处|来源|发表|刊登|刊发|登在/;
const TARGET = /今年|计划|目标|将要|打算|预计|力争|明年|接下来|下一步|未来|要完成|要实现|任务是|准备/;
const STRICT_TARGET = /计划|目标|力争|打算|预计|要完成|要实现|准备/;
const STRICT_ACTUAL = /已经|实际|完成了|实现了|做到了/;
const ACTUAL = /去年|已经|已|实现了|完成了|达到了|做到了|过去|上一年|前年|成效|成果|取得/;
// A comparison or a request for several: "分别", "对比", "两个地方", or "哪个……多/高/大".
const COMPARE =
  /分别|不同|区别|差别|异同|一样吗|对比|比较|相比|比一比|差多少|差距|两个地方|两地|两县|两旗|两位|哪两|二者|两者|各是|各有|各自|更多|更高|更大|更少|更低|(哪个|哪一个|哪边|谁|哪里).{0,12}(多|高|大|少|低|快|好)(一些|一点)?(呢|啊|吗)?$/;
const CHECK = /是不是|是否|对不对|对吗|对么|没错吧|有没有|吗$|么$/;

// Question words, particles and fillers: they say how to answer, not what about.
const FILLER = [
  '是多少 有多少 还有多少 一共有多少 一共 总共 多少 是几 有几 几个 几 怎么样',
  '怎么 怎样 如何 哪些 什么 是不是 是否 请问 问一下 一下 告诉我 我想知道',
  '想知道 我想了解 了解 查询 查一下 能不能 可以 有没有 大概 大约 具体 到底',
  '究竟 一些 这个 那个 他们 我们 你们 相关 方面 关于 情况 数据 数字 啥 咋',
  '吗 呢 吧 啊 呀 嘛 哦 了 的 是 请 叫啥名字 叫什么名字 叫什么 叫啥 名字',
  '是谁 谁 哪位 哪个 哪些人 那篇 这篇 这一 那一 这期 那期 一下子 现在 目前',
  '当时 哈 嗯 咱们 咱 俺们 俺 大家 已经 实际上 实际 真正 左右 差不多 上下',
  '对不对 对吗 对么 没错吧 是真的吗 真的吗 说 提到 表示 谈到 结果 阐释 解释 阐述 诠释 理解 访谈中 对话中 采访中 原文 精确 准确 涉及 介绍了 分别为 哪一地 哪一方 哪地',
  '两则 两家 两篇 两个 各自 具有 还有 除了 之外 以外',
  '什么意思 啥意思 意思 前后 到底 听说 知道 问问 想问问 这两年 那个 这些 那些 一点 有点',
  '办法 方法 法子 主要 做好 搞好 抓好 干好 弄好 有些 这篇报道 这篇文章 报道中 文章中 报道里 文章里 文中',
]
  .join(' ')
  .split(' ');
const FILLER_RE = new RegExp(
  [...FILLER]
    .sort((a, b) => b.length - a.length)
    .map(escapeRe)
    .join('|'),
  'g',
);
const GREETING =
  /^(你好|您好|嗨|哈喽|哈啰|hello|hi|hey|在吗|在不在|早上好|上午好|中午好|下午好|晚上好|早安|晚安|喂|有人吗|bot|机器人)+$/;
const THANKS =
  /^(谢谢|多谢|感谢|谢了|thanks|thank you|thx|好的|ok|okay|明白了|知道了|收到|了解了|辛苦了|再见|拜拜|bye)+$/;

/** Builds a question reader for these regions (names, aliases, pinyin, near-miss spellings). */
/** What a question reader knows of the knowledge. */
export interface QuestionReaderOptions {
  readonly regions: readonly Region[];
  readonly people: readonly { name: string; kind: string; region?: string }[];
  /** The year of the newest article: 去年 and 今年 are relative to it. */
  readonly articleYear: number;
  /** Reads pinyin in Latin runs as the knowledge's words. */
  readonly readLatin?: (text: string) => string;
  /** Reads homophone slips (拖贫, 客旗) as the knowledge's words. */
  readonly readHomophones?: (text: string) => string;
}

export function createQuestionReader(options: QuestionReaderOptions): QuestionReader {
  const { regions, people, articleYear } = options;
  const readLatin = options.readLatin ?? ((t: string) => t);
  const readHomophones = options.readHomophones ?? ((t: string) => t);
  const names = regions.flatMap((r) => [r.name, ...r.aliases]);
  const correct = createPlaceNameCorrector(names);
  const pinyin = createPinyinMatcher(regions);
  // Longest names first so that 克什克腾旗 wins over 克什克腾.
  const mentions = regions
    .flatMap((r) => [r.name, ...r.aliases].map((n) => ({ n: normalizeText(n), r })))
    .sort((a, b) => b.n.length - a.n.length);
  const personRegion = people
    .filter((p) => p.region)
    .map((p) => ({ n: p.name, r: regions.find((r) => r.id === p.region) }))
    .filter((x): x is { n: string; r: Region } => x.r !== undefined);

  return {
    read(question, botUsername) {
      const full = normalizeText(stripAddressing(question, botUsername));
      const smallTalk = smallTalkOf(full);
      // Latin first: a pinyin place name, then English words of the domain, then pinyin words, so
      // that everything below reads Chinese.
      let latin = full;
      const found: Region[] = [];
      const hint = pinyin(full);
      if (hint) {
        const r = regions.find((x) => x.id === hint.regionId);
        if (r) {
          found.push(r);
          latin = latin.replace(hint.matched, ` ${r.name} `);
        }
      }
      // An English word becomes its first Chinese word; the others are its synonyms (target → 目标 | 计划).
      const english: Synonym[] = [];
      for (const [pattern, words] of ENGLISH) {
        latin = latin.replace(new RegExp(pattern.source, 'g'), () => {
          const [first = '', ...others] = words.split(/\s+/);
          if (others.length > 0) english.push({ span: first, alternatives: [first, ...others] });
          return ` ${first} `;
        });
      }
      latin = latin.replace(ENGLISH_FILLER, ' ');
      // Numerals first: a numeral is never a slip for a word (二十四只 is not 二十实字).
      const whole = correct(readHomophones(arabizeNumerals(readLatin(latin))));
      // Regions are read from the whole message; the question itself from the clauses that ask.
      for (const { n, r } of mentions) if (n && whole.includes(n) && !found.includes(r)) found.push(r);
      let text = arabizeNumerals(correct(stripPoliteness(extractQuestion(whole))));
      let searchText = text;
      for (const { n } of mentions) {
        if (!n || !searchText.includes(n)) continue;
        // 兴和县委书记: the name goes, the 县委 of the role stays.
        const suffix = /[旗县]$/.test(n) ? n.slice(-1) : '';
        searchText = searchText.split(`${n}委`).join(` ${suffix}委`).split(n).join(' ');
      }
      text = text.replace(/\s+/g, ' ').trim();
      const explicit = found.filter((r) => r.level !== '自治区').length;
      // A person named brings their region along (边中悦 → 克什克腾旗), but stays a search word.
      for (const { n, r } of personRegion) if (whole.includes(n) && !found.includes(r)) found.push(r);
      // Officials are speakers, whose words a question may prefer; villagers are what it is about.
      const peopleNamed = people
        .filter((p) => p.kind === 'official' && whole.includes(p.name))
        .map((p) => p.name);
      // The autonomous region is context, not a filter, when a county is named too.
      const specific = found.filter((r) => r.level !== '自治区');
      const regionsNamed = specific.length > 0 ? specific : found;

      const intent = intentOf(whole);
      const checkMatch =
        /(大约|大概|差不多|将近|接近|超过|不到|至少|少于|多于)?(\d+(?:\.\d+)?)\s*(%|[万亿]?[个户人名所套只元年次项间位家平]?)(多|余|以上|出头|左右|上下|以下)?/.exec(
          text,
        );
      const check =
        CHECK.test(text) && checkMatch
          ? {
              number: checkMatch[2] ?? '',
              unit: checkMatch[3] ?? '',
              text: checkMatch[0],
              ...qualifierOf(checkMatch[1], checkMatch[4]),
            }
          : undefined;
      // Someone named in a question about something else (刘政书记说……多少) says whose words to
      // prefer; only a who question searches for the person.
      if (intent !== 'who') {
        for (const n of peopleNamed) searchText = searchText.split(`${n}书记`).join(' ').split(n).join(' ');
      }
      // The figure a user checks (是不是161个) is their guess: it helps find the fact when it is right,
      // but does not count against an entry that prints another figure.
      if (check) searchText = searchText.replace(check.text, ' ').replace(check.number, ' ');
      const year = yearOf(text, articleYear);
      // Years named on both sides of the article's date (2016年……2017年) ask a result and a plan.
      const years = [...text.matchAll(/(?:19|20)\d\d/g)].map((m) => Number(m[0]));
      const yearPeriod = year === undefined ? undefined : Number(year) >= articleYear ? 'target' : 'actual';
      const target = TARGET.test(text) || years.some((y) => y >= articleYear);
      const actual = ACTUAL.test(text) || years.some((y) => y < articleYear && y >= articleYear - 1);
      // 去年……今年……: both the result and the plan are asked.
      const period = target && actual ? 'both' : target ? 'target' : actual ? 'actual' : yearPeriod;
      // A plan asked in so many words (计划, 目标): not answered with a result, nor the reverse.
      const strictPeriod = STRICT_TARGET.test(text)
        ? 'target'
        : STRICT_ACTUAL.test(text)
          ? 'actual'
          : undefined;

      const otherPlaces = [...new Set(whole.match(OTHER_PLACES) ?? [])];
      searchText = searchText.replace(PERIOD_WORDS, ' ');
      // 脱了贫, 建了房: the particle goes and the word closes up again.
      searchText = stripFillers(searchText.replace(/(?<=[\u4e00-\u9fff])了(?=[\u4e00-\u9fff])/g, ''));
      if (COMPARE.test(text)) searchText = stripFillers(searchText.replace(COMPARE_WORDS, ' '));
      // Colloquial words: each may be held as itself or as one of the newspaper's words for it.
      const synonyms: Synonym[] = english.filter((e) => searchText.includes(e.span));
      // A name is never read as its characters' synonyms (the 花 of 王进花 is no 支出).
      const inName = new Uint8Array(searchText.length);
      for (const { name } of people) {
        for (let at = searchText.indexOf(name); at >= 0; at = searchText.indexOf(name, at + 1)) {
          inName.fill(1, at, at + name.length);
        }
      }
      for (const [pattern, words] of SYNONYMS) {
        for (const m of searchText.matchAll(new RegExp(pattern.source, 'g'))) {
          if (inName[m.index]) continue;
          synonyms.push({ span: m[0], alternatives: words.split(/\s+/) });
        }
      }
      return {
        text,
        regions: regionsNamed,
        explicitRegions: explicit,
        intent,
        ...(period ? { period } : {}),
        ...(strictPeriod && period !== 'both' ? { strictPeriod } : {}),
        comparison: COMPARE.test(text),
        authorAsked: intent === 'who' && /写的|作者|署名|署的|撰稿|执笔/.test(text),
        ...(check ? { bonus: [check.number] } : {}),
        nameAsked:
          /名字|姓名|姓什么|姓啥|叫啥名|叫什么名/.test(text) ||
          (intent === 'who' && /叫什么|叫啥/.test(text)),
        ...(check ? { check } : {}),
        searchText,
        synonyms,
        ...(year ? { year } : {}),
        otherPlaces,
        peopleNamed,
        ...(smallTalk ? { smallTalk } : {}),
      };
    },
  };
}

// Clauses around a question that carry no question: greetings, thanks, apologies, self-introductions,
// requests to explain. Each is tested against a whole clause.
const WRAPPER_CLAUSES = [
  /^(hi|hello|hey|嗨|哈喽|哈啰)?\s*(各位|尊敬的)?[\u4e00-\u9fff]{0,6}(你|您|们|大家|老师|领导|同学|编辑|师傅|朋友|小编|机器人|同志)好[呀啊吖哈]?$/,
  /谢谢|感谢|多谢|感激|不胜|辛苦了|拜托了|麻烦了|先谢|谢啦|thanks|thank you/,
  /^(尊敬的|亲爱的|各位)?[\u4e00-\u9fff]{0,6}(老师|领导|编辑|同志|先生|女士|小编|专家|同学们?)$/,
  /^(打扰(了|一下|您了|啦)?|冒昧(打扰|问一下)?|不好意思.{0,12}|抱歉.{0,10}|请多指教|问个问题|有个问题|请教个问题)$/,
  /^我(是|们是|在|正在|们在|们小组在|最近在|想做)[^?？]{0,24}(论文|报告|作业|调研|研究|干部|学生|老师|记者|面试|考试|工作|材料|课题|员)$/,
  /^(看不懂|不明白|不懂|没看懂|搞不懂|不太懂|不清楚)$/,
  /^(能|可以|可否|能不能|麻烦)?(给我|帮我|给|帮忙)?(简单|具体|详细)?(讲讲|说说|介绍一下|介绍介绍|讲一下|说一下|聊聊|解释一下|分析一下)(吗|吧|呢|么)?$/,
];
const REQUEST_PREFIX =
  /^(请问(一下|下)?|想请问(一下|下)?|想请教(一下|下)?|请教(一下|下)?|想问(一下|下)?|我想问(一下|下)?|想了解(一下|下)?|我想了解(一下|下)?|想学习(一下|下)?|我想知道|想知道|能告诉我|麻烦问(一下|下)?|帮我查(一下|下)?|查(一下|下))/;

/**
 * The question inside a long, polite message: clauses that are only greetings, thanks,
 * self-introductions or requests to explain are set aside ("你好，我在写论文，想了解……，谢谢").
 * Falls back to the whole text when nothing else is left.
 */
export function extractQuestion(text: string): string {
  const clauses = text
    .split(/[,，。!！?？;；~～:：\s]+/)
    .map((c) => c.trim())
    .filter(Boolean);
  if (clauses.length <= 1) return text.replace(REQUEST_PREFIX, '') || text;
  let kept = clauses
    .filter((c) => !WRAPPER_CLAUSES.some((re) => re.test(c)))
    .map((c) => c.replace(REQUEST_PREFIX, ''));
  // A long message tells a story around its question: keep the clauses that ask, each with the
  // clause before it when the asking one says little itself ("……约4.8万人，原文精确数字是多少").
  if (kept.join('').length > 24) {
    const asking = kept.flatMap((c, i) => {
      if (!ASKING.test(c)) return [];
      const own = stripFillers(c).replace(/\s/g, '');
      const before = kept[i - 1];
      return own.length < 5 && before && !ASKING.test(before) ? [before, c] : [c];
    });
    if (asking.length > 0) kept = asking;
  }
  const out = kept.filter(Boolean).join('，');
  return out || text;
}

// The words that make a clause a question.
const ASKING =
  /多少|几|什么|啥|怎么|怎样|如何|哪|谁|吗|么|呢|是否|是不是|有没有|对不对|为何|为什么|介绍|讲讲|说说/;

/** Takes question words, particles and fillers out of a text (each leaves a space). */
export function stripFillers(text: string): string {
  return text.replace(FILLER_RE, ' ').replace(/\s+/g, ' ').trim();
}

const ENGLISH_FILLER =
  /\b(the|a|an|is|are|was|were|of|in|on|at|to|for|and|or|what|which|how|did|does|do|many|much|got|get|there|this|that|its|it|please|tell|me|about|by|with|has|have|had)\b/g;
// "哪个……多": the comparison is read from the question; its words are not what is compared.
const COMPARE_WORDS =
  /哪个|哪一个|哪边|谁的|谁家|谁更|更多|更高|更大|更少|比较|对比|相比|比一比|差多少|二者|两者|各是|各有|各自|分别|(?<=[\u4e00-\u9fff])(多|高|大|少|低)(?=$|[\s，。？！?,.!呢啊吧])/g;

/** 一万六千多 → more; 六千左右, 大约 → about; 不到 → less. */
function qualifierOf(
  before: string | undefined,
  after: string | undefined,
): { qualifier?: 'more' | 'about' | 'less' } {
  const word = `${before ?? ''}${after ?? ''}`;
  if (/多|余|以上|出头|超过|至少|多于/.test(word)) return { qualifier: 'more' };
  if (/不到|少于|以下/.test(word)) return { qualifier: 'less' };
  if (word) return { qualifier: 'about' };
  return {};
}

// Words of time: they say which period is asked (matched against the facts' periods), not what.
const PERIOD_WORDS = /去年|今年|明年|前年|上一年|过去一年|过去的一年|这一年|年内|全年|(?:19|20)\d\d年?/g;

function yearOf(text: string, articleYear: number): string | undefined {
  const explicit = /((?:19|20)\d\d)年?/.exec(text);
  if (explicit) return explicit[1];
  if (/去年|上一年|过去一年|过去的一年/.test(text)) return String(articleYear - 1);
  if (/今年|年内|这一年/.test(text)) return String(articleYear);
  if (/明年/.test(text)) return String(articleYear + 1);
  if (/前年/.test(text)) return String(articleYear - 2);
  return undefined;
}

function intentOf(text: string): Intent {
  if (WHO.test(text)) return 'who';
  if (WHEN.test(text)) return 'when';
  if (WHERE.test(text)) return 'where';
  const figure = FIGURE.test(text) || /\d/.test(text);
  const how = HOWWHAT.test(text);
  if (figure && !how) return 'figure';
  if (how && !figure) return 'howwhat';
  if (figure && how) return /多少|几|比例|占比|率|哪年/.test(text) ? 'figure' : 'howwhat';
  return 'general';
}

function smallTalkOf(text: string): 'greeting' | 'thanks' | undefined {
  const bare = text.replace(/[\s,.!?;:'"()，。！？；：、…~～\-—]+/g, '').toLowerCase();
  if (!bare) return undefined;
  if (GREETING.test(bare)) return 'greeting';
  if (THANKS.test(bare)) return 'thanks';
  return undefined;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
