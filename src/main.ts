/**
 * The entry point (`npm start`, `npm run dev`): .env and environment → config → logger → the app
 * (knowledge, engine, bot, polling or webhook). SIGINT and SIGTERM stop it within a few seconds with
 * exit code 0; a bad configuration or knowledge folder, a rejected token or a second instance
 * (409 Conflict) stop it with one clear line on stderr, no stack trace, and exit code 1.
 * The knowledge folder is watched and reloaded on change and on SIGHUP; declined and asked-back
 * questions go to the unanswered-question log (UNANSWERED_LOG, default data/unanswered.jsonl).
 */
import { StartError, startApp } from './app.js';
import { type Config, ConfigError, createConfig, loadEnvFile } from './config.js';
import { createAnswerEngine } from './engine/answer.js';
import { KnowledgeError } from './knowledge/load.js';
import { createKnowledgeService, type KnowledgeService } from './knowledge/service.js';
import { createLogger, createRedactor } from './logger.js';
import { createUnansweredLog } from './unanswered/log.js';

/** How long a stop may take before the process exits anyway. */
const STOP_DEADLINE_MS = 5000;

async function main(): Promise<number> {
  let config: Config;
  try {
    loadEnvFile();
    config = createConfig(process.env);
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    return 1;
  }
  const logger = createLogger({ level: config.logLevel, secrets: [config.token, webhookSecretOf(config)] });
  const redact = createRedactor([config.token, webhookSecretOf(config)]);
  const die = (message: string): number => {
    logger.fatal(message);
    process.stderr.write(`${redact(message)}\n`);
    return 1;
  };

  let knowledge: KnowledgeService;
  try {
    knowledge = createKnowledgeService({
      dir: config.knowledgeDir,
      logger,
      buildEngine: (k) =>
        createAnswerEngine(k, {
          onError: (err, question) => logger.error({ err, question }, 'the engine failed on a question'),
        }),
    });
  } catch (err) {
    if (err instanceof KnowledgeError) return die(err.message);
    throw err;
  }
  logger.info({ dir: config.knowledgeDir, size: knowledge.engine().size }, 'knowledge loaded');
  const unanswered = config.unansweredLog
    ? createUnansweredLog({ path: config.unansweredLog, logger })
    : undefined;
  const release = () => {
    knowledge.close();
    unanswered?.close();
  };

  let app: Awaited<ReturnType<typeof startApp>>;
  try {
    app = await startApp({
      config,
      logger,
      getEngine: () => knowledge.engine(),
      ...(unanswered ? { onUnanswered: (event) => unanswered.record(event) } : {}),
    });
  } catch (err) {
    release();
    if (err instanceof KnowledgeError || err instanceof StartError) return die(err.message);
    logger.fatal({ err }, 'start failed');
    return die(`Start failed: ${err instanceof Error ? err.message : String(err)}`);
  }

  let stopped = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopped) return;
    stopped = true;
    logger.info({ signal }, 'stopping');
    release();
    // A stop that hangs (a request that never ends) must not keep the process alive.
    setTimeout(() => {
      logger.warn('stop took too long; exiting');
      process.exit(0);
    }, STOP_DEADLINE_MS).unref();
    void app.stop(signal);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  process.on('SIGHUP', () => {
    logger.info({ signal: 'SIGHUP' }, 'reloading the knowledge');
    void knowledge.reload('SIGHUP');
  });

  try {
    await app.done;
    return 0;
  } catch (err) {
    return die(err instanceof Error ? err.message : String(err));
  } finally {
    release();
  }
}

function webhookSecretOf(config: Config): string | undefined {
  return config.mode === 'webhook' ? config.webhookSecret : undefined;
}

main().then(
  (code) => {
    process.exitCode = code;
    // Whatever is still open (a keep-alive socket) must not hold the exit.
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
