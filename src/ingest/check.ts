/**
 * Checks of a knowledge folder beyond validation: the figures of each article's source that no fact
 * quotes. Used by `npm run ingest -- --check DIR` and after drafting.
 */
import { coverage, findFigures } from '../knowledge/figures.js';
import type { LoadedArticle } from '../knowledge/load.js';

/** A printed figure no fact covers, with a little of the text around it. */
export interface UncoveredFigure {
  readonly text: string;
  readonly line: number;
  readonly context: string;
}

/**
 * The figures of an article's source text that no fact quote covers. The masthead's date and page
 * number are the source's own metadata; a year counts as covered when some fact is about that year;
 * a figure whose clause is repeated word for word inside a fact's quote is covered (核心提示 repeats the
 * answers); and figures in the reporters' questions are left out (the facts are the answers').
 */
export function uncoveredFigures(article: LoadedArticle): UncoveredFigure[] {
  const src = article.sourceText;
  const covered = coverage(
    src,
    article.facts.map((f) => f.quote),
  );
  const [y, m, d] = article.source.date.split('-').map(Number);
  const skipped = coverage(src, [
    `${y}年${m}月${d}日`,
    `\n${article.source.page}\n`,
    ...article.interviews.flatMap((iv) => iv.turns.map((t) => t.question)),
  ]);
  const periods = article.facts.map((f) => f.period).join(' ');
  const quotes = article.facts.map((f) => f.quote);
  const clauseAt = (i: number) => {
    const boundary = /[，；。：！？\n]/;
    let s = i;
    let e = i;
    while (s > 0 && !boundary.test(src[s - 1] ?? '')) s--;
    while (e < src.length && !boundary.test(src[e] ?? '')) e++;
    return src.slice(s, e).trim();
  };
  return findFigures(src)
    .filter((fig) => !covered[fig.index] && !skipped[fig.index])
    .filter((fig) => !quotes.some((q) => q.includes(clauseAt(fig.index))))
    .filter((fig) => !(fig.kind === 'year' && periods.includes(fig.text)))
    .map((fig) => ({
      text: fig.text,
      line: src.slice(0, fig.index).split('\n').length,
      context: src.slice(Math.max(0, fig.index - 10), fig.index + fig.text.length + 10).replace(/\s+/g, ' '),
    }));
}
