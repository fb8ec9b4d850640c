/**
 * Text helpers of the engine: search terms of a text (Chinese character bigrams, exact numbers,
 * Latin words), sentences, and excerpts cut at clause boundaries.
 */

const CJK = /[\u3400-\u9fff\uf900-\ufaff]+/g;
const NUMBER = /\d+(?:\.\d+)?/g;
const LATIN = /[a-z]{2,}/g;

/**
 * The search terms of a normalized text: every pair of adjacent Chinese characters (a lone character
 * stands for itself; with `unigrams`, every character does too, as the index keeps them for one-character
 * questions), every number exactly as written (`#48`, `#16.8`: digits never match fuzzily),
 * and Latin words (`@gdp`).
 */
export function termsOf(text: string, options: { unigrams?: boolean } = {}): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(CJK)) {
    const run = m[0];
    if (run.length === 1 || options.unigrams) out.push(...run);
    for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
  }
  for (const m of text.matchAll(NUMBER)) out.push(`#${trimNumber(m[0])}`);
  for (const m of text.matchAll(LATIN)) out.push(`@${m[0]}`);
  return out;
}

/** 4.0 and 4 are the same figure; 16.80 and 16.8 too. */
export function trimNumber(n: string): string {
  return n.includes('.') ? n.replace(/\.?0+$/, '') : n.replace(/^0+(?=\d)/, '');
}

/** Splits a text into sentences, keeping the closing punctuation; paragraph breaks end a sentence. */
export function sentencesOf(text: string): string[] {
  const out: string[] = [];
  for (const para of text.split(/\n+/)) {
    const parts = para.match(/[^。！？；!?]+(?:[。！？；!?]+[”’」』）)]?)?/g) ?? [];
    for (const p of parts) {
      const s = p.trim();
      if (s) out.push(s);
    }
  }
  return out;
}

/**
 * The sentence of `text` that holds `quote`, shortened to at most `max` characters by dropping whole
 * clauses (cut at ，、：) far from the quote. Marks a cut with "……".
 */
export function excerptAround(text: string, quote: string, max: number): string {
  const at = text.indexOf(quote);
  if (at < 0) return quote;
  const sentence = sentencesOf(text).find((s) => s.includes(quote)) ?? quote;
  if (sentence.length <= max) return sentence;
  const q = sentence.indexOf(quote);
  let start = q;
  let end = q + quote.length;
  // Grow clause by clause, after first and then before, while it fits.
  const clauseEnd = (from: number) => {
    const m = /[，、：；,]/.exec(sentence.slice(from + 1));
    return m ? from + 1 + m.index + 1 : sentence.length;
  };
  const clauseStart = (to: number) => {
    const head = sentence.slice(0, to - 1);
    const i = Math.max(head.lastIndexOf('，'), head.lastIndexOf('、'), head.lastIndexOf('：'));
    return i >= 0 ? i + 1 : 0;
  };
  end = Math.min(sentence.length, clauseEnd(end - 1));
  for (let grew = true; grew; ) {
    grew = false;
    if (end < sentence.length) {
      const next = clauseEnd(end);
      if (next - start <= max) {
        end = next;
        grew = true;
      }
    }
    if (start > 0) {
      const prev = clauseStart(start);
      if (end - prev <= max) {
        start = prev;
        grew = true;
      }
    }
  }
  let out = sentence.slice(start, end).replace(/[，、：；,]$/, '');
  if (start > 0) out = `……${out}`;
  if (end < sentence.length) out = `${out}……`;
  return out;
}

/** Cuts `text` to at most `max` characters at a sentence or clause boundary, marking the cut. */
export function truncateAtBoundary(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max);
  const cut = Math.max(
    head.lastIndexOf('。'),
    head.lastIndexOf('；'),
    head.lastIndexOf('！'),
    head.lastIndexOf('？'),
  );
  if (cut >= max * 0.5) return `${head.slice(0, cut + 1)}……`;
  const comma = Math.max(head.lastIndexOf('，'), head.lastIndexOf('、'));
  if (comma >= max * 0.5) return `${head.slice(0, comma)}……`;
  return `${Array.from(head).slice(0, -1).join('')}…`;
}
