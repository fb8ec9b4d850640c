import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAnswerEngine } from '../../src/engine/answer.js';
import { KnowledgeError } from '../../src/knowledge/load.js';
import { createKnowledgeService, type KnowledgeService } from '../../src/knowledge/service.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/second-article');
const FILE = 'test-2017-03-09-p5.yaml';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A knowledge folder holding the small fixture article, and a service over it with a captured log. */
function setup(options: { watch?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'knowledge-service-'));
  cpSync(FIXTURE, dir, { recursive: true });
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s)) });
  const service = createKnowledgeService({
    dir,
    logger,
    buildEngine: (k) => createAnswerEngine(k),
    debounceMs: 20,
    ...options,
  });
  const events: string[] = [];
  service.on('reloaded', (e) => events.push(`reloaded: ${e.reason}`));
  service.on('rejected', (e) => events.push(`rejected: ${e.reason}`));
  cleanups.push(() => {
    service.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const path = join(dir, FILE);
  const original = readFileSync(path, 'utf8');
  /** Writes the article file with `from` replaced by `to`. */
  const edit = (from: string, to: string) => writeFileSync(path, original.replace(from, to));
  return { dir, path, original, service, lines, events, edit };
}

/** The label the engine in service gives the new-jobs fact (its indicator). */
function jobsLabel(service: KnowledgeService): string | undefined {
  return service.engine().ref('by-new-jobs-2016')?.label;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('createKnowledgeService', () => {
  it('serves the knowledge of the folder, and throws the KnowledgeError when it is invalid', () => {
    const { service } = setup({ watch: false });
    expect(service.knowledge().articles.map((a) => a.source.id)).toEqual(['test-2017-03-09-p5']);
    expect(jobsLabel(service)).toBe('新增就业');
    const broken = mkdtempSync(join(tmpdir(), 'knowledge-service-'));
    cleanups.push(() => rmSync(broken, { recursive: true, force: true }));
    expect(() =>
      createKnowledgeService({
        dir: broken,
        logger: pino({ level: 'silent' }),
        buildEngine: createAnswerEngine,
      }),
    ).toThrow(KnowledgeError);
  });

  it('serves a valid edit from the next question on', async () => {
    const { service, edit, events } = setup();
    const before = service.engine();
    edit('indicator: 新增就业', 'indicator: 城镇新增就业岗位');
    await vi.waitFor(() => expect(jobsLabel(service)).toBe('城镇新增就业岗位'), {
      timeout: 3000,
      interval: 10,
    });
    expect(service.engine()).not.toBe(before);
    expect(events).toEqual([expect.stringMatching(/^reloaded: changed: test-2017-03-09-p5\.yaml/)]);
  });

  it('keeps the old knowledge serving after a broken edit, with one log line naming file and field', async () => {
    const { service, edit, events, lines } = setup();
    const knowledge = service.knowledge();
    const engine = service.engine();
    edit('quote: 建成扶贫车间12个', 'quote: 建成扶贫车间15个');
    await vi.waitFor(() => expect(events).toHaveLength(1), { timeout: 3000, interval: 10 });
    expect(events[0]).toMatch(/^rejected: /);
    expect(service.knowledge()).toBe(knowledge);
    expect(service.engine()).toBe(engine);
    expect(jobsLabel(service)).toBe('新增就业');
    const errors = lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.msg).toContain('knowledge reload rejected, still serving the previous knowledge');
    expect(errors[0]?.msg).toContain(
      `${FILE}: entry "by-workshops-2016", field facts[1].quote: not found verbatim`,
    );
    expect(String(errors[0]?.msg)).not.toContain('\n');
  });

  it('rejects an edit whose engine cannot be built, and nothing is half-swapped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'knowledge-service-'));
    cpSync(FIXTURE, dir, { recursive: true });
    let builds = 0;
    const service = createKnowledgeService({
      dir,
      logger: pino({ level: 'silent' }),
      buildEngine: (k) => {
        if (builds++ > 0) throw new Error('index build failed');
        return { k };
      },
      watch: false,
    });
    cleanups.push(() => {
      service.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const before = { knowledge: service.knowledge(), engine: service.engine() };
    writeFileSync(join(dir, FILE), readFileSync(join(dir, FILE), 'utf8').replace('新增就业', '新增就业人数'));
    expect(await service.reload('SIGHUP')).toBe(false);
    expect({ knowledge: service.knowledge(), engine: service.engine() }).toEqual(before);
    expect(service.engine().k).toBe(before.knowledge);
  });

  it('ends rapid successive edits in the last state, in one debounced reload', async () => {
    const { service, edit, events } = setup();
    for (const label of ['第一版', '第二版', '第三版', '最终版'])
      edit('indicator: 新增就业', `indicator: ${label}`);
    await vi.waitFor(() => expect(jobsLabel(service)).toBe('最终版'), { timeout: 3000, interval: 10 });
    await wait(60);
    expect(events).toHaveLength(1);
  });

  it('keeps the last valid state when a burst ends broken, and serves the fix that follows', async () => {
    const { service, edit, events } = setup();
    edit('indicator: 新增就业', 'indicator: 第一版');
    await vi.waitFor(() => expect(jobsLabel(service)).toBe('第一版'), { timeout: 3000, interval: 10 });
    edit('indicator: 新增就业', 'indicator: 第二版');
    edit('quote: 建成扶贫车间12个', 'quote: 建成扶贫车间15个');
    await vi.waitFor(() => expect(events.at(-1)).toMatch(/^rejected/), { timeout: 3000, interval: 10 });
    expect(jobsLabel(service)).toBe('第一版');
    edit('indicator: 新增就业', 'indicator: 修好了');
    await vi.waitFor(() => expect(jobsLabel(service)).toBe('修好了'), { timeout: 3000, interval: 10 });
  });

  it('follows an editor that saves through a temporary file and a rename', async () => {
    const { service, dir, path, original, events } = setup();
    const temp = join(dir, `.${FILE}.swp`);
    writeFileSync(temp, original.replace('indicator: 新增就业', 'indicator: 改名保存'));
    await wait(60);
    expect(events).toEqual([]);
    renameSync(temp, path);
    await vi.waitFor(() => expect(jobsLabel(service)).toBe('改名保存'), { timeout: 3000, interval: 10 });
  });

  it('reloads on reload() (SIGHUP), and says so when nothing changed', async () => {
    const { service, edit, events, lines } = setup({ watch: false });
    expect(await service.reload('SIGHUP')).toBe(true);
    expect(events).toEqual([]);
    expect(lines.at(-1)).toMatchObject({ msg: 'knowledge unchanged', reason: 'SIGHUP' });
    edit('indicator: 新增就业', 'indicator: 信号重载');
    expect(jobsLabel(service)).toBe('新增就业');
    expect(await service.reload('SIGHUP')).toBe(true);
    expect(jobsLabel(service)).toBe('信号重载');
    expect(events).toEqual(['reloaded: SIGHUP']);
  });

  it('stops watching on close(), leaving no handle open', async () => {
    const watchers = () => process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap').length;
    // Watchers closed by the tests before finish closing asynchronously: start from none.
    await vi.waitFor(() => expect(watchers()).toBe(0), { timeout: 1000, interval: 10 });
    const baseline = watchers();
    const { service, edit, events } = setup();
    await vi.waitFor(() => expect(watchers()).toBeGreaterThan(baseline), { timeout: 1000, interval: 10 });
    service.close();
    service.close();
    edit('indicator: 新增就业', 'indicator: 关闭之后');
    await wait(80);
    expect(events).toEqual([]);
    expect(jobsLabel(service)).toBe('新增就业');
    await vi.waitFor(() => expect(watchers()).toBe(baseline), { timeout: 1000, interval: 10 });
  });
});
