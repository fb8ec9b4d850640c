/**
 * The knowledge model: one YAML file per article, validated by these zod schemas.
 * The TypeScript types are inferred from the schemas, so the schema is the single source of truth.
 */
import { z } from 'zod';

/** An id: lower-case ASCII words joined by dashes, safe to put in callback data. */
export const Id = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'ids are lower-case ASCII words joined by "-" (like xh-hukou-2016)')
  .max(40, 'ids are at most 40 characters, so that they fit in Telegram button data');

const Text = z.string().trim().min(1, 'must not be empty');

/** Where the article was printed. */
export const Source = z.object({
  id: Id,
  publication: Text,
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dates are written YYYY-MM-DD'),
  page: z.number().int().positive(),
  section: Text.optional(),
  column: Text.optional(),
  title: Text,
  /** The raw text, relative to the knowledge folder. */
  file: Text,
  editors: z.array(z.object({ role: Text, name: Text })).default([]),
  /** The introduction printed above the interviews. */
  intro: Text.optional(),
});
export type Source = z.infer<typeof Source>;

/** A region (旗/县) the article reports on. */
export const Region = z.object({
  id: Id,
  name: Text,
  level: z.enum(['自治区', '盟市', '旗', '县', '区', '市', '镇', '乡', '村']),
  /** Other names people use for it: short forms, older names, the article's own variants. */
  aliases: z.array(Text).default([]),
  /** Pinyin spellings people type (keshiketeng, keqi, xinghe). */
  romanized: z.array(Text).default([]),
  parent: Text.optional(),
});
export type Region = z.infer<typeof Region>;

export const PersonKind = z.enum(['official', 'reporter', 'villager', 'author', 'editor']);

/** Someone the article names: an official, a reporter, a villager, an author or an editor. */
export const Person = z.object({
  id: Id,
  name: Text,
  kind: PersonKind,
  /** Their role as printed, e.g. 旗委书记, 本报记者, 村民, 执行主编. */
  role: Text,
  region: Id.optional(),
  /** One sentence about them, as printed. */
  about: Text.optional(),
});
export type Person = z.infer<typeof Person>;

/** One question of a reporter and the official's answer, verbatim. */
export const Turn = z.object({
  id: Id,
  /** A short label for buttons and lists, e.g. 扶贫机制建设. */
  topic: Text,
  question: Text,
  answer: Text,
  /** Words people use when they mean this turn. */
  ask: z.array(Text).default([]),
});
export type Turn = z.infer<typeof Turn>;

/** One interview: a reporter's questions to one official about one region. */
export const Interview = z.object({
  id: Id,
  region: Id,
  official: Id,
  reporter: Id,
  /** The headline as printed (OCR-garbled headings are kept as printed; see `headlineNote`). */
  headline: Text,
  headlineNote: Text.optional(),
  /** 核心提示. */
  summary: Text,
  turns: z.array(Turn).min(1),
});
export type Interview = z.infer<typeof Interview>;

/** A 百姓声音 story. */
export const Story = z.object({
  id: Id,
  region: Id,
  title: Text,
  text: Text,
  caption: Text.optional(),
  author: Id,
  people: z.array(Id).default([]),
  ask: z.array(Text).default([]),
});
export type Story = z.infer<typeof Story>;

/** A 背景链接 block. */
export const Background = z.object({
  id: Id,
  region: Id,
  text: Text,
  ask: z.array(Text).default([]),
});
export type Background = z.infer<typeof Background>;

/** One figure as printed: 16.8亿元 is { value: 16.8, unit: 亿元, text: 16.8亿元 }. */
export const FigureValue = z.object({
  /** The figure as printed, exactly (it must stand in the quote). */
  text: Text,
  value: z.number(),
  /** The upper end where the figure is a range (3000元至8000元). */
  upTo: z.number().optional(),
  unit: z.string().default(''),
  /** What this value is, where a fact has several (城镇 / 农村). */
  label: Text.optional(),
});
export type FigureValue = z.infer<typeof FigureValue>;

/** Where in the article a fact is printed. */
export const FactOrigin = z.object({
  kind: z.enum(['turn', 'summary', 'story', 'background', 'intro']),
  /** The turn, interview (for a summary), story or background id; omitted for the intro. */
  id: Id.optional(),
});
export type FactOrigin = z.infer<typeof FactOrigin>;

/** An indicator fact: one figure, or a tight group of figures, with the clause that prints it. */
export const Fact = z.object({
  id: Id,
  region: Id,
  /** The indicator's name, e.g. 民生事业支出, 贫困发生率. */
  indicator: Text,
  values: z.array(FigureValue).min(1),
  /** The period the figure is for: 2016, 2017, 十二五, 截至2015年底, 累计. */
  period: Text,
  status: z.enum(['actual', 'target']),
  /** The clause exactly as printed. */
  quote: Text,
  from: FactOrigin,
  /** Other ways people ask for it: alternate phrasings and keywords. */
  ask: z.array(Text).default([]),
  /** Who said it, where that is not the interview's official (a story's author, the background). */
  speaker: Id.optional(),
});
export type Fact = z.infer<typeof Fact>;

/** The knowledge of one article, as written in its YAML file. */
export const Article = z.object({
  source: Source,
  regions: z.array(Region).min(1),
  people: z.array(Person).default([]),
  interviews: z.array(Interview).default([]),
  stories: z.array(Story).default([]),
  background: z.array(Background).default([]),
  facts: z.array(Fact).default([]),
  /** Example questions an editor picked for /start and the empty inline query (each must be answered). */
  examples: z.array(Text).default([]),
});
export type Article = z.infer<typeof Article>;
