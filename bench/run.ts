/**
 * `npm run bench`: speed, memory and accuracy, measured — never asserted in a timed test.
 * Run on a quiet machine; compare figures as ratios within one run.
 */
import { benchEngine } from './engine.js';

const engine = benchEngine();
process.stdout.write(`${engine.lines.join('\n')}\n`);
