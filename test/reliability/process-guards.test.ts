/**
 * The process never dies of a stray error: an unhandled rejection and an uncaught exception are
 * logged and the process keeps serving (checked in a child process, where Node's default would end
 * it); the running app installs the guards and removes them when it stops.
 */
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { installProcessGuards } from '../../src/transport/process-guards.js';
import { startBot } from '../e2e/helpers.js';
import { captureLogger } from './helpers.js';

const ROOT = join(import.meta.dirname, '../..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

describe('process guards', () => {
  it('keep a process alive through an unhandled rejection and an uncaught exception, logging both', () => {
    const guards = pathToFileURL(join(ROOT, 'src/transport/process-guards.ts')).href;
    const logger = pathToFileURL(join(ROOT, 'src/logger.ts')).href;
    const script = `
      const { installProcessGuards } = await import(${JSON.stringify(guards)});
      const { createLogger } = await import(${JSON.stringify(logger)});
      installProcessGuards(createLogger({ level: 'info' }));
      Promise.reject(new Error('nobody awaited me'));
      setTimeout(() => { throw new Error('thrown from a timer'); }, 10);
      setTimeout(() => { process.stdout.write('still here\\n'); }, 100);
    `;
    const child = spawnSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.status).toBe(0);
    expect(child.stdout).toContain('still here');
    const lines = child.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; err: { message: string } });
    expect(lines.map((l) => [l.msg, l.err.message])).toEqual([
      ['unhandled promise rejection; still serving', 'nobody awaited me'],
      ['uncaught exception; still serving', 'thrown from a timer'],
    ]);
  });

  it('install once and uninstall cleanly', () => {
    const proc = new EventEmitter();
    const { logger, lines } = captureLogger();
    const uninstall = installProcessGuards(logger, proc as never);
    expect(proc.listenerCount('unhandledRejection')).toBe(1);
    expect(proc.listenerCount('uncaughtException')).toBe(1);
    proc.emit('unhandledRejection', 'a bare string');
    expect(lines[0]).toMatchObject({ level: 50, err: 'a bare string' });
    uninstall();
    uninstall();
    expect(proc.listenerCount('unhandledRejection')).toBe(0);
    expect(proc.listenerCount('uncaughtException')).toBe(0);
  });

  it('are installed while the app runs and removed when it stops', async () => {
    const before = process.listenerCount('unhandledRejection');
    const run = await startBot('polling');
    expect(process.listenerCount('unhandledRejection')).toBe(before + 1);
    expect(process.listenerCount('uncaughtException')).toBeGreaterThan(0);
    await run.stop();
    expect(process.listenerCount('unhandledRejection')).toBe(before);
  });
});
