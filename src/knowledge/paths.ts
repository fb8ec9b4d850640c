/** Where the shipped knowledge lives, found from this module's own location (src/ or dist/). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's `knowledge/` folder, whether running from src/ (tsx) or dist/ (compiled). */
export function defaultKnowledgeDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'knowledge');
}
