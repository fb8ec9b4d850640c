/**
 * The last line of defence: a rejection nobody awaited or an exception thrown from a timer would
 * end the process (Node's default for both). The bot logs them and keeps serving: every update is
 * handled in its own promise with its own error boundary, so what escapes is a stray callback,
 * not state the next update depends on.
 */
import type { Logger } from '../logger.js';

/** The part of `process` the guards use (an EventEmitter in tests). */
export interface GuardedProcess {
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  on(event: 'uncaughtException', listener: (err: Error) => void): unknown;
  off(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  off(event: 'uncaughtException', listener: (err: Error) => void): unknown;
}

/** Logs unhandled rejections and uncaught exceptions instead of dying; returns the uninstaller. */
export function installProcessGuards(logger: Logger, proc: GuardedProcess = process): () => void {
  const onRejection = (reason: unknown) => {
    logger.error({ err: reason }, 'unhandled promise rejection; still serving');
  };
  const onException = (err: Error) => {
    logger.error({ err }, 'uncaught exception; still serving');
  };
  proc.on('unhandledRejection', onRejection);
  proc.on('uncaughtException', onException);
  let installed = true;
  return () => {
    if (!installed) return;
    installed = false;
    proc.off('unhandledRejection', onRejection);
    proc.off('uncaughtException', onException);
  };
}
