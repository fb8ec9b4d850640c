/**
 * Loading the knowledge folder: every `*.yaml`/`*.yml`/`*.json` file in it is one article, validated
 * by the zod schemas and cross-checked (unique ids, references that resolve, quotes that stand
 * verbatim in the article's source text).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import yaml from 'js-yaml';
import type { z } from 'zod';
import { Article } from './schema.js';

/** One loaded article: its validated content, the file it came from and its source text. */
export interface LoadedArticle extends Article {
  /** The knowledge file, relative to the knowledge folder. */
  readonly file: string;
  /** The article as printed (the file named by `source.file`). */
  readonly sourceText: string;
}

/** Everything the bot knows: the articles of one knowledge folder. */
export interface Knowledge {
  readonly dir: string;
  readonly articles: readonly LoadedArticle[];
}

/** One problem found in a knowledge file, located by file, entry id and field path. */
export interface KnowledgeProblem {
  readonly file: string;
  readonly entryId?: string;
  readonly path: string;
  readonly message: string;
}

/** Thrown when the knowledge cannot be served; its message lists every problem, one per line. */
export class KnowledgeError extends Error {
  override readonly name = 'KnowledgeError';
  constructor(readonly problems: readonly KnowledgeProblem[]) {
    super(formatProblems(problems));
  }
}

/** Formats problems as `file: entry "id", field path: message`, one a line. */
export function formatProblems(problems: readonly KnowledgeProblem[]): string {
  const lines = problems.map((p) => {
    const entry = p.entryId ? ` entry "${p.entryId}",` : '';
    const field = p.path ? ` field ${p.path}` : '';
    return `${p.file}:${entry}${field}${entry || field ? ': ' : ' '}${p.message}`;
  });
  const head =
    problems.length === 1 ? 'invalid knowledge' : `invalid knowledge (${problems.length} problems)`;
  return `${head}:\n  ${lines.join('\n  ')}`;
}

const ARTICLE_FILE = /\.(ya?ml|json)$/i;

/**
 * Reads, validates and cross-checks every article in `dir`.
 * Throws a {@link KnowledgeError} naming each problem; never returns half a knowledge base.
 */
export function loadKnowledge(dir: string): Knowledge {
  const root = resolve(dir);
  let names: string[];
  try {
    names = readdirSync(root)
      .filter((n) => ARTICLE_FILE.test(n))
      .sort();
  } catch (err) {
    throw new KnowledgeError([
      { file: dir, path: '', message: `cannot read the folder (${errorCode(err)})` },
    ]);
  }
  if (names.length === 0) {
    throw new KnowledgeError([
      { file: dir, path: '', message: 'no knowledge files (*.yaml, *.yml, *.json)' },
    ]);
  }
  const problems: KnowledgeProblem[] = [];
  const articles: LoadedArticle[] = [];
  for (const name of names) {
    const article = readArticle(root, name, problems);
    if (article) articles.push(article);
  }
  checkAcrossArticles(articles, problems);
  if (problems.length > 0) throw new KnowledgeError(problems);
  return { dir: root, articles };
}

function readArticle(root: string, name: string, problems: KnowledgeProblem[]): LoadedArticle | undefined {
  const path = join(root, name);
  let raw: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    raw = /\.json$/i.test(name)
      ? JSON.parse(text)
      : yaml.load(text, { schema: yaml.CORE_SCHEMA, filename: name });
  } catch (err) {
    problems.push({ file: name, path: '', message: `cannot be parsed: ${parseMessage(err)}` });
    return undefined;
  }
  const parsed = Article.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(issueProblem(name, raw, issue));
    return undefined;
  }
  const sourcePath = resolve(root, parsed.data.source.file);
  if (relative(root, sourcePath).startsWith('..')) {
    problems.push({ file: name, path: 'source.file', message: 'must stay inside the knowledge folder' });
    return undefined;
  }
  let sourceText: string;
  try {
    sourceText = readFileSync(sourcePath, 'utf8');
  } catch (err) {
    problems.push({
      file: name,
      path: 'source.file',
      message: `cannot read the source text ${parsed.data.source.file} (${errorCode(err)})`,
    });
    return undefined;
  }
  const article: LoadedArticle = { ...parsed.data, file: basename(name), sourceText };
  checkArticle(article, problems);
  return article;
}

function issueProblem(file: string, raw: unknown, issue: z.core.$ZodIssue): KnowledgeProblem {
  const path = issue.path
    .map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`))
    .join('')
    .slice(1);
  // The entry is the item of a top-level list the field sits in: facts[3] → that fact's id.
  const [list, index] = issue.path;
  let entryId: string | undefined;
  if (typeof list === 'string' && typeof index === 'number' && isRecord(raw)) {
    const items = raw[list];
    const item = Array.isArray(items) ? items[index] : undefined;
    if (isRecord(item) && typeof item.id === 'string') entryId = item.id;
  }
  // Turns sit inside interviews: name the turn rather than the interview where there is one.
  if (issue.path[0] === 'interviews' && issue.path[2] === 'turns' && typeof issue.path[3] === 'number') {
    const turn = getPath(raw, issue.path.slice(0, 4));
    if (isRecord(turn) && typeof turn.id === 'string') entryId = turn.id;
  }
  const missing = issue.code === 'invalid_type' && getPath(raw, issue.path) === undefined;
  const message = missing ? 'is missing' : issue.message;
  return { file, path, message, ...(entryId ? { entryId } : {}) };
}

/** Checks within one article: ids unique, references resolve, quotes verbatim. */
function checkArticle(a: LoadedArticle, problems: KnowledgeProblem[]): void {
  const add = (entryId: string | undefined, path: string, message: string) =>
    problems.push({ file: a.file, path, message, ...(entryId ? { entryId } : {}) });

  const seen = new Map<string, string>();
  const unique = (id: string, path: string) => {
    const first = seen.get(id);
    if (first) add(id, `${path}.id`, `duplicate id (first used at ${first})`);
    else seen.set(id, path);
  };
  a.regions.forEach((r, i) => unique(r.id, `regions[${i}]`));
  a.people.forEach((p, i) => unique(p.id, `people[${i}]`));
  a.interviews.forEach((iv, i) => {
    unique(iv.id, `interviews[${i}]`);
    iv.turns.forEach((t, j) => unique(t.id, `interviews[${i}].turns[${j}]`));
  });
  a.stories.forEach((s, i) => unique(s.id, `stories[${i}]`));
  a.background.forEach((b, i) => unique(b.id, `background[${i}]`));
  a.facts.forEach((f, i) => unique(f.id, `facts[${i}]`));

  const regions = new Set(a.regions.map((r) => r.id));
  const people = new Map(a.people.map((p) => [p.id, p]));
  const turns = new Set(a.interviews.flatMap((iv) => iv.turns.map((t) => t.id)));
  const interviews = new Set(a.interviews.map((iv) => iv.id));
  const stories = new Set(a.stories.map((s) => s.id));
  const backgrounds = new Set(a.background.map((b) => b.id));

  const region = (id: string | undefined, entry: string, path: string) => {
    if (id !== undefined && !regions.has(id)) add(entry, path, `unknown region "${id}"`);
  };
  const person = (id: string | undefined, entry: string, path: string, kinds?: readonly string[]) => {
    if (id === undefined) return;
    const p = people.get(id);
    if (!p) add(entry, path, `unknown person "${id}"`);
    else if (kinds && !kinds.includes(p.kind))
      add(entry, path, `"${id}" is a ${p.kind}, expected ${kinds.join(' or ')}`);
  };
  const verbatim = (text: string | undefined, entry: string | undefined, path: string) => {
    if (text !== undefined && !a.sourceText.includes(text)) {
      add(entry, path, `not found verbatim in ${a.source.file}: "${excerpt(text)}"`);
    }
  };

  verbatim(a.source.intro, undefined, 'source.intro');
  a.people.forEach((p, i) => {
    region(p.region, p.id, `people[${i}].region`);
    verbatim(p.about, p.id, `people[${i}].about`);
  });
  a.interviews.forEach((iv, i) => {
    region(iv.region, iv.id, `interviews[${i}].region`);
    person(iv.official, iv.id, `interviews[${i}].official`, ['official']);
    person(iv.reporter, iv.id, `interviews[${i}].reporter`, ['reporter']);
    verbatim(iv.summary, iv.id, `interviews[${i}].summary`);
    iv.turns.forEach((t, j) => {
      verbatim(t.question, t.id, `interviews[${i}].turns[${j}].question`);
      verbatim(t.answer, t.id, `interviews[${i}].turns[${j}].answer`);
    });
  });
  a.stories.forEach((s, i) => {
    region(s.region, s.id, `stories[${i}].region`);
    person(s.author, s.id, `stories[${i}].author`);
    s.people.forEach((p, j) => person(p, s.id, `stories[${i}].people[${j}]`));
    verbatim(s.text, s.id, `stories[${i}].text`);
    verbatim(s.caption, s.id, `stories[${i}].caption`);
  });
  a.background.forEach((b, i) => {
    region(b.region, b.id, `background[${i}].region`);
    verbatim(b.text, b.id, `background[${i}].text`);
  });
  a.facts.forEach((f, i) => {
    const at = `facts[${i}]`;
    region(f.region, f.id, `${at}.region`);
    person(f.speaker, f.id, `${at}.speaker`);
    verbatim(f.quote, f.id, `${at}.quote`);
    f.values.forEach((v, j) => {
      if (!f.quote.includes(v.text)) add(f.id, `${at}.values[${j}].text`, `"${v.text}" is not in the quote`);
    });
    const origins: Record<string, Set<string> | undefined> = {
      turn: turns,
      summary: interviews,
      story: stories,
      background: backgrounds,
      intro: undefined,
    };
    const known = origins[f.from.kind];
    if (known && (f.from.id === undefined || !known.has(f.from.id))) {
      add(f.id, `${at}.from.id`, `unknown ${f.from.kind} "${f.from.id ?? ''}"`);
    }
  });
}

/** Checks across articles: entry ids are unique in the whole folder; a shared region means one place. */
function checkAcrossArticles(articles: readonly LoadedArticle[], problems: KnowledgeProblem[]): void {
  const owner = new Map<string, string>();
  const regionNames = new Map<string, { name: string; file: string }>();
  for (const a of articles) {
    const ids = [
      a.source.id,
      ...a.interviews.flatMap((iv) => [iv.id, ...iv.turns.map((t) => t.id)]),
      ...a.stories.map((s) => s.id),
      ...a.background.map((b) => b.id),
      ...a.facts.map((f) => f.id),
    ];
    for (const id of ids) {
      const first = owner.get(id);
      if (first && first !== a.file) {
        problems.push({ file: a.file, entryId: id, path: 'id', message: `id already used in ${first}` });
      } else owner.set(id, a.file);
    }
    for (const r of a.regions) {
      const known = regionNames.get(r.id);
      if (known && known.name !== r.name) {
        problems.push({
          file: a.file,
          entryId: r.id,
          path: 'regions',
          message: `region "${r.id}" is ${known.name} in ${known.file} but ${r.name} here`,
        });
      } else if (!known) regionNames.set(r.id, { name: r.name, file: a.file });
    }
  }
}

function parseMessage(err: unknown): string {
  // js-yaml's message is "reason (line:column)" followed by an excerpt; the first line says it all.
  if (err instanceof yaml.YAMLException)
    return `${err.reason} (line ${err.mark.line + 1}, column ${err.mark.column + 1})`;
  if (err instanceof Error) return err.message;
  return String(err);
}

function errorCode(err: unknown): string {
  return isRecord(err) && typeof err.code === 'string' ? err.code : String(err);
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 40 ? `${flat.slice(0, 40)}…` : flat;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function getPath(raw: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = raw;
  for (const k of path) {
    if (Array.isArray(cur) && typeof k === 'number') cur = cur[k];
    else if (isRecord(cur) && typeof k === 'string') cur = cur[k];
    else return undefined;
  }
  return cur;
}
