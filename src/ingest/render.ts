/**
 * Writing a draft as a knowledge YAML file laid out like the hand-curated one: the open points as
 * comments at the top, what to check per entry as a comment above it, and the facts that could not be
 * placed commented out at the end.
 */
import { Document, isMap, isScalar, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import type { ArticleDraft } from './draft.js';
import type { IngestNote } from './layout.js';

/** Renders a draft as YAML text; `sourceName` is the text file it was drafted from. */
export function renderDraft(draft: ArticleDraft, sourceName: string): string {
  const { article } = draft;
  const plain = dropEmptyAsk(JSON.parse(JSON.stringify(article)) as Record<string, unknown>);
  const doc = new Document(plain);

  doc.commentBefore = [
    ` DRAFT knowledge of ${article.source.publication} ${article.source.date}, page ${article.source.page}: "${article.source.title}".`,
    ` Drafted by \`npm run ingest\` from ${sourceName}; every text below is cut verbatim from ${article.source.file}.`,
    ' Before serving it: settle the open points below and the "check:" comments, give the turns short topics',
    ' and the entries `ask` phrases (words people use), correct the draft indicators, then validate with',
    ' `npm run ingest -- --check <folder>`.',
    ...formatNotes(draft.notes),
  ].join('\n');

  flow(doc, ['source', 'editors'], true);
  for (const [i] of article.regions.entries()) {
    flow(doc, ['regions', i, 'aliases']);
    flow(doc, ['regions', i, 'romanized']);
  }
  article.people.forEach((p, i) => comment(doc, ['people', i], draft.entryChecks.get(p.id)));
  article.interviews.forEach((iv, i) => {
    iv.turns.forEach((t, j) => comment(doc, ['interviews', i, 'turns', j], draft.entryChecks.get(t.id)));
  });
  article.stories.forEach((_s, i) => flow(doc, ['stories', i, 'people']));
  article.facts.forEach((f, i) => {
    flow(doc, ['facts', i, 'values'], true);
    flow(doc, ['facts', i, 'from']);
    comment(doc, ['facts', i], draft.factChecks.get(f.id));
  });
  const facts = doc.getIn(['facts'], true);
  if (isSeq(facts) && facts.items.length > 0) {
    facts.commentBefore = [
      ' Draft facts: one per figure-bearing clause. Check each: the indicator is guessed from the words',
      ' around the figure; split facts that hold two indicators (the quote may stay the same).',
    ].join('\n');
  }

  const examples = isMap(doc.contents)
    ? doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'examples')
    : undefined;
  if (examples && isScalar(examples.key)) {
    examples.key.commentBefore =
      ' Example questions for /start and the empty inline query, as readers would ask them; each must be answered.';
  }

  if (draft.unplaced.length > 0) {
    const rest = new Document({ facts: draft.unplaced.map(({ checks: _checks, ...f }) => f) });
    const text = rest
      .toString({ lineWidth: 0, blockQuote: 'literal' })
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .join('\n');
    doc.comment = [
      ` ${draft.unplaced.length} drafted facts name no region: set \`region\` and move them into facts:`,
      ...text.split('\n').map((l) => ` ${l}`),
    ].join('\n');
  }
  const yaml = doc.toString({ lineWidth: 0, blockQuote: 'literal', flowCollectionPadding: true });
  return yaml.endsWith('\n') ? yaml : `${yaml}\n`;
}

/** The open points, one comment line each. */
export function formatNotes(notes: readonly IngestNote[]): string[] {
  if (notes.length === 0) return ['', ' Open points: none.'];
  return [
    '',
    ` Open points (${notes.length}):`,
    ...notes.map((n) => ` - ${n.line !== undefined ? `line ${n.line}: ` : ''}${n.message}`),
  ];
}

function flow(doc: Document, path: readonly (string | number)[], items = false): void {
  const node = doc.getIn(path, true);
  if (!isSeq(node) && !isMap(node)) return;
  if (items && isSeq(node)) {
    for (const item of (node as YAMLSeq).items) if (isMap(item)) (item as YAMLMap).flow = true;
  } else node.flow = true;
}

function comment(
  doc: Document,
  path: readonly (string | number)[],
  checks: readonly string[] | undefined,
): void {
  if (!checks || checks.length === 0) return;
  const node = doc.getIn(path, true);
  if (isMap(node)) node.commentBefore = checks.map((c) => ` check: ${c}`).join('\n');
}

function dropEmptyAsk<T>(value: T): T {
  if (Array.isArray(value)) return value.map(dropEmptyAsk) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'ask' && Array.isArray(v) && v.length === 0) continue;
      out[k] = dropEmptyAsk(v);
    }
    return out as T;
  }
  return value;
}
