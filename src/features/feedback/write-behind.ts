// Unanswered questions and answer feedback are written behind: queued, then written in one
// transaction at most a second later, at 100 queued, before anything reads them, and at stop.
// With synchronous=FULL each write is a disk sync, which an answer should not wait for. A batch
// that cannot be written (disk full) is logged and dropped: these are statistics, not messages.
import type { Logger } from 'pino';
import { errorFields } from '../../core/logger.ts';
import type { Clock } from '../../core/ports.ts';
import { isBusyError } from '../../store/busy.ts';
import type { Store } from '../../store/store.ts';
import type { FeedbackRepo } from './repo.ts';

export type PendingWrite = { gap: [string, string, number, string | null] } | { feedback: { key: string; h: number; n: number; at: number } };

export function createWriteBehind(deps: { store: Store; clock: Clock; log: Logger; repo: FeedbackRepo }) {
  const { store, clock, log, repo } = deps;
  const pending: PendingWrite[] = [];
  let timer: { cancel(): void } | undefined;

  function flush(): void {
    timer?.cancel();
    timer = undefined;
    if (pending.length === 0) return;
    const batch = pending.splice(0);
    try {
      store.immediate(() => {
        for (const w of batch) {
          if ('gap' in w) repo.insertGap.run(...w.gap);
          else repo.feedback.run(w.feedback);
        }
      });
    } catch (err) {
      // Another process holds the write lock: keep the batch (bounded) for the next try.
      if (isBusyError(err) && batch.length + pending.length <= 1000) {
        pending.unshift(...batch);
        timer ??= clock.setTimeout(flush, 1000);
        return;
      }
      log.error({ err: errorFields(err), dropped: batch.length }, 'could not save unanswered questions and feedback');
    }
  }

  return {
    push(w: PendingWrite): void {
      pending.push(w);
      if (pending.length >= 100) flush();
      else timer ??= clock.setTimeout(flush, 1000);
    },
    flush,
    /** When the oldest queued row was recorded (ms), if any is queued. */
    oldestAt(): number | undefined {
      let min: number | undefined;
      for (const w of pending) {
        const at = 'gap' in w ? w.gap[2] : w.feedback.at;
        if (min === undefined || at < min) min = at;
      }
      return min;
    },
  };
}
