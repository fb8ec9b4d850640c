/**
 * Ingesting an article file into a knowledge folder: draft it, write the draft next to a verbatim copy
 * of the source (`<out>/sources/<id>.txt`, `<out>/<id>.yaml`), and validate it with `loadKnowledge` —
 * alone and together with the knowledge it is meant to join.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { KnowledgeError, type LoadedArticle, loadKnowledge } from '../knowledge/load.js';
import { type UncoveredFigure, uncoveredFigures } from './check.js';
import { type ArticleDraft, draftArticle } from './draft.js';
import { renderDraft } from './render.js';

/** Options of {@link ingestFile}. */
export interface IngestOptions {
  /** The folder the draft is written to. */
  readonly out: string;
  /** The source id (default: derived from the masthead, like nmgrb-2017-02-23-p5). */
  readonly id?: string;
  /** The knowledge folder the article is meant to join: its ids are avoided, and the draft is validated with it. */
  readonly knowledge?: string;
  /** Overwrite an existing draft of the same id. */
  readonly force?: boolean;
}

/** What an ingest wrote and found. */
export interface IngestResult {
  readonly draft: ArticleDraft;
  readonly yamlPath: string;
  readonly sourcePath: string;
  /** Undefined when the draft validates alone; else the KnowledgeError message. */
  readonly invalid?: string;
  /** Undefined when the draft validates together with the knowledge folder (or there is none to join). */
  readonly conflicts?: string;
  /** Printed figures that no drafted fact covers. */
  readonly uncovered: readonly UncoveredFigure[];
}

/** Thrown when the draft would overwrite an existing file; nothing is written then. */
export class IngestError extends Error {
  override readonly name = 'IngestError';
}

/** Drafts the knowledge of an article text file and writes it into `options.out`. */
export function ingestFile(file: string, options: IngestOptions): IngestResult {
  const text = readFileSync(file, 'utf8');
  const out = resolve(options.out);
  const knowledge =
    options.knowledge && existsSync(options.knowledge) ? resolve(options.knowledge) : undefined;
  // The source id first (from --id or the masthead), so that a draft being replaced does not count as taken.
  const sourceId = options.id ?? draftArticle(text).article.source.id;
  const taken = new Set<string>();
  for (const dir of new Set([out, ...(knowledge ? [knowledge] : [])])) {
    for (const id of idsInFolder(dir, sourceId)) taken.add(id);
  }
  const draft = draftArticle(text, { id: sourceId, takenIds: taken });
  const id = draft.article.source.id;
  const yamlPath = join(out, `${id}.yaml`);
  const sourcePath = join(out, 'sources', `${id}.txt`);
  if (!options.force && existsSync(yamlPath)) {
    throw new IngestError(`${yamlPath} exists: edit it, or pass --force to replace it with a new draft`);
  }
  if (knowledge && knowledge !== out && existsSync(join(knowledge, `${id}.yaml`))) {
    throw new IngestError(
      `${join(knowledge, `${id}.yaml`)} exists: this article is already known (or pass another --id)`,
    );
  }
  mkdirSync(join(out, 'sources'), { recursive: true });
  writeFileSync(sourcePath, text);
  writeFileSync(yamlPath, renderDraft(draft, basename(file)));

  const alone = validateIn([{ yaml: yamlPath, source: sourcePath }]);
  const together =
    knowledge && knowledge !== out && !alone.error
      ? validateIn([{ yaml: yamlPath, source: sourcePath }], knowledge)
      : undefined;
  const uncovered = alone.article ? uncoveredFigures(alone.article) : [];
  return {
    draft,
    yamlPath,
    sourcePath,
    ...(alone.error ? { invalid: alone.error } : {}),
    ...(together?.error ? { conflicts: together.error } : {}),
    uncovered,
  };
}

/** Validates article files in a scratch folder, alone or on top of a copy of a knowledge folder. */
function validateIn(
  files: readonly { yaml: string; source: string }[],
  base?: string,
): { error?: string; article?: LoadedArticle } {
  const dir = mkdtempSync(join(tmpdir(), 'ingest-check-'));
  try {
    if (base) cpSync(base, dir, { recursive: true });
    mkdirSync(join(dir, 'sources'), { recursive: true });
    for (const f of files) {
      cpSync(f.yaml, join(dir, basename(f.yaml)));
      cpSync(f.source, join(dir, 'sources', basename(f.source)));
    }
    const k = loadKnowledge(dir);
    const name = basename(files[0]?.yaml ?? '');
    const article = k.articles.find((a) => a.file === name);
    return article ? { article } : {};
  } catch (err) {
    return { error: err instanceof KnowledgeError ? err.message : String(err) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every `id` in the knowledge files of a folder (other than `except`'s own file), read leniently. */
function idsInFolder(dir: string, except?: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.(ya?ml|json)$/i.test(n));
  } catch {
    return [];
  }
  const ids: string[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) for (const v of x) walk(v);
    else if (x && typeof x === 'object') {
      for (const [k, v] of Object.entries(x)) {
        if (k === 'id' && typeof v === 'string') ids.push(v);
        else walk(v);
      }
    }
  };
  for (const n of names) {
    if (except && n.replace(/\.(ya?ml|json)$/i, '') === except) continue;
    try {
      walk(parseYaml(readFileSync(join(dir, n), 'utf8')));
    } catch {
      // A broken file has no ids to avoid; the validation reports it.
    }
  }
  return ids;
}
