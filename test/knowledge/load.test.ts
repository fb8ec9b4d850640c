import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { coverage, findFigures } from '../../src/knowledge/figures.js';
import { KnowledgeError, loadKnowledge } from '../../src/knowledge/load.js';

const KNOWLEDGE = join(import.meta.dirname, '../../knowledge');
const FIXTURES = join(import.meta.dirname, '../fixtures');
const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** A knowledge folder holding the second fixture article's source and one given article file. */
function folderWith(file: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'knowledge-'));
  temps.push(dir);
  mkdirSync(join(dir, 'sources'));
  cpSync(join(FIXTURES, 'second-article/sources'), join(dir, 'sources'), { recursive: true });
  cpSync(join(FIXTURES, 'broken', file), join(dir, file));
  return dir;
}

function problemsOf(dir: string): string {
  try {
    loadKnowledge(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(KnowledgeError);
    return (err as Error).message;
  }
  throw new Error('expected the knowledge to be rejected');
}

describe('the shipped knowledge', () => {
  const knowledge = loadKnowledge(KNOWLEDGE);
  // Other articles may be added to the folder; these tests are about the page of 2017-02-23.
  const article = knowledge.articles.find((a) => a.source.id === 'nmgrb-2017-02-23-p5');
  if (!article) throw new Error('the 2017-02-23 article is not shipped');

  it('validates and holds both interviews with every Q&A turn', () => {
    expect(article.interviews.map((iv) => iv.region)).toEqual(['keshiketeng', 'xinghe']);
    // Every reporter line of the page (“徐永升：”, “皇甫美群：”) is one turn.
    const asked = article.sourceText.match(/^(徐永升|皇甫美群)：/gm) ?? [];
    expect(article.interviews.flatMap((iv) => iv.turns)).toHaveLength(asked.length);
  });

  it('holds every quote, question, answer and text verbatim in the source', () => {
    const texts = [
      ...article.interviews.flatMap((iv) => [iv.summary, ...iv.turns.flatMap((t) => [t.question, t.answer])]),
      ...article.stories.map((s) => s.text),
      ...article.background.map((b) => b.text),
      ...article.facts.map((f) => f.quote),
    ];
    for (const t of texts) expect(article.sourceText).toContain(t);
  });

  it('covers every figure printed in the article with a fact', () => {
    const src = article.sourceText;
    const covered = coverage(
      src,
      article.facts.map((f) => f.quote),
    );
    // The masthead prints the date and the page number; they are the source's own metadata.
    const [y, m, d] = article.source.date.split('-').map(Number);
    const masthead = coverage(src, [`${y}年${m}月${d}日`, `\n${article.source.page}\n`]);
    const periods = article.facts.map((f) => f.period).join(' ');
    const uncovered = findFigures(src).filter((fig) => {
      if (covered[fig.index] || masthead[fig.index]) return false;
      // A year is covered when some fact is about that year.
      return !(fig.kind === 'year' && periods.includes(fig.text));
    });
    expect(uncovered.map((f) => `${f.text} …${src.slice(f.index - 8, f.index + 8)}…`)).toEqual([]);
    expect(findFigures(src).length).toBeGreaterThan(150);
  });

  it('splits "分别…和…" figures into one fact per figure', () => {
    const urban = article.facts.find((f) => f.indicator === '城镇居民人均可支配收入');
    const rural = article.facts.find((f) => f.indicator === '农村居民人均可支配收入');
    expect(urban?.values.map((v) => v.text)).toEqual(['23584元']);
    expect(rural?.values.map((v) => v.text)).toEqual(['8253元']);
  });

  it('models 克什克腾 as a banner, keeping the heading’s 县 as an alias', () => {
    const kq = article.regions.find((r) => r.id === 'keshiketeng');
    expect(kq?.name).toBe('克什克腾旗');
    expect(kq?.aliases).toEqual(expect.arrayContaining(['克旗', '克什克腾', '克什克腾县']));
    expect(article.people.find((p) => p.name === '边中悦')?.role).toBe('旗委书记');
  });
});

describe('loadKnowledge', () => {
  it('loads a second article dropped into the folder with no code change', () => {
    const dir = mkdtempSync(join(tmpdir(), 'knowledge-'));
    temps.push(dir);
    cpSync(KNOWLEDGE, dir, { recursive: true });
    cpSync(join(FIXTURES, 'second-article'), dir, { recursive: true });
    const k = loadKnowledge(dir);
    expect(k.articles.map((a) => a.source.id)).toEqual(['nmgrb-2017-02-23-p5', 'test-2017-03-09-p5']);
    expect(k.articles[1]?.facts.length).toBe(8);
  });

  it('names the file, the entry and the field of a missing field', () => {
    expect(problemsOf(folderWith('missing-field.yaml'))).toContain(
      'missing-field.yaml: entry "by-workshops-2016", field facts[1].indicator: is missing',
    );
  });

  it('names an unknown region', () => {
    expect(problemsOf(folderWith('unknown-region.yaml'))).toContain(
      'unknown-region.yaml: entry "by-area", field facts[6].region: unknown region "heishan"',
    );
  });

  it('rejects a quote that is not in the source', () => {
    const message = problemsOf(folderWith('quote-not-in-source.yaml'));
    expect(message).toContain('entry "by-workshops-2016", field facts[1].quote: not found verbatim');
    expect(message).toContain('建成扶贫车间15个');
  });

  it('rejects a duplicate id', () => {
    expect(problemsOf(folderWith('duplicate-id.yaml'))).toContain(
      'entry "by-workshops-2016", field facts[5].id: duplicate id (first used at facts[1])',
    );
  });

  it('rejects invalid YAML and invalid JSON with the parser’s reason', () => {
    expect(problemsOf(folderWith('invalid-yaml.yaml'))).toMatch(/invalid-yaml\.yaml: cannot be parsed: .+/);
    expect(problemsOf(folderWith('invalid-json.json'))).toMatch(
      /invalid-json\.json: cannot be parsed: .+JSON/,
    );
  });

  it('says so when the folder is missing or empty', () => {
    expect(problemsOf(join(FIXTURES, 'no-such-folder'))).toContain('cannot read the folder (ENOENT)');
    const empty = mkdtempSync(join(tmpdir(), 'knowledge-'));
    temps.push(empty);
    expect(problemsOf(empty)).toContain('no knowledge files');
  });

  it('rejects a source file outside the knowledge folder', () => {
    const dir = folderWith('duplicate-id.yaml');
    cpSync(join(FIXTURES, 'second-article/test-2017-03-09-p5.yaml'), join(dir, 'escape.yaml'));
    rmSync(join(dir, 'duplicate-id.yaml'));
    const text = readFileSync(join(dir, 'escape.yaml'), 'utf8').replace(
      'file: sources/test-2017-03-09-p5.txt',
      'file: ../../etc/passwd',
    );
    writeFileSync(join(dir, 'escape.yaml'), text);
    expect(problemsOf(dir)).toContain('source.file: must stay inside the knowledge folder');
  });
});
