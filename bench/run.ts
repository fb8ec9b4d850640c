/**
 * `npm run bench`: speed, memory and accuracy, measured — never asserted in a timed test.
 * Run on a quiet machine; compare figures as ratios within one run.
 */
import { benchE2e } from './e2e.js';
import { benchEngine } from './engine.js';

const engine = benchEngine();
process.stdout.write(`${engine.lines.join('\n')}\n`);
const e2e = await benchE2e();
process.stdout.write(`${e2e.lines.join('\n')}\n`);
