// Feedback (issue 3, part B): questions /ask could not answer ("gaps") and helpful / not helpful
// on answers, shown to the secretariat by /gaps. Kept without the asker, personal data masked,
// purged after `retentionDays`. Both are written behind (./write-behind.ts).
import { createHmac, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { CommandSpec } from '../../commands/types.ts';
import type { Feature } from '../../core/feature.ts';
import { errorFields } from '../../core/logger.ts';
import { createLru } from '../../core/lru.ts';
import type { Clock } from '../../core/ports.ts';
import { clip } from '../../core/reply-helpers.ts';
import { cleanText, DAY_MS } from '../../shared/text.ts';
import { redactPersonalData } from '../../shared/pii.ts';
import { normalise } from '../../shared/similar.ts';
import type { Store } from '../../store/store.ts';
import { createFeedbackRepo } from './repo.ts';
import { createWriteBehind } from './write-behind.ts';

/** How many answers' feedback voters are remembered (in memory only). The core forgets a button's
 *  token after 5,000 newer answers; this keeps more, so a token the core still honours is known. */
export const FEEDBACK_TOKENS = 20_000;
export const MAX_GAP_CHARS = 500;

/** What recordFeedback did with a press, so the caller can word its answer. */
export type FeedbackOutcome = 'new' | 'changed' | 'same' | 'ignored';

/** Who gave feedback on which answer: the answer's button token and the person's platform id. */
export interface FeedbackVote {
  token: string;
  voter: string;
}

export interface FeedbackDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  /** Days gaps and feedback are kept (0 = for ever). */
  retentionDays: number;
}

/** The port the practice base uses to report what it could not answer and what people thought. */
export interface FeedbackPort {
  /** Queues an unanswered question and its language (ISO 639-1, when known); written within a
   *  second, or before /gaps, tick or stop. */
  recordGap(question: string, language?: string): void;
  /** Helpful / not helpful on one answer. With `vote` (the answer's button token and the person
   *  pressing), it counts once per person per answer and can be changed: 'new' (counted), 'changed'
   *  (their earlier vote now counts the other way), 'same' (already counted that way; nothing
   *  changes), 'ignored' (nothing to count: empty key or token). Voters are kept only in memory,
   *  as keyed hashes, while the token can still be pressed (FEEDBACK_TOKENS).
   *  Without `vote` every call counts (no identity to deduplicate on). */
  recordFeedback(key: string, helpful: boolean, vote?: FeedbackVote): FeedbackOutcome;
}

export interface FeedbackFeature extends Feature, FeedbackPort {
  /** Writes queued gaps and feedback now. */
  flush(): void;
  /** Unanswered questions since a time: how many, and the most asked (the secretariat's digest). */
  unansweredSince(since: Date, limit: number): { total: number; groups: { question: string; n: number }[] };
  /** Helpful / not helpful totals kept, and the answers most often found not helpful. */
  answerFeedback(limit: number): { helpful: number; notHelpful: number; worst: { question: string; notHelpful: number }[] };
  /** Writes what is queued and purges what is past its retention. */
  tick(now: Date): Promise<void>;
  /** When the oldest gap or feedback comes due for purging, if any. A query: it writes nothing. */
  nextDueAt(): Date | undefined;
}

export function createFeedback(deps: FeedbackDeps): FeedbackFeature {
  const { store, clock, log } = deps;
  const days = deps.retentionDays;
  const repo = createFeedbackRepo(store);
  const writes = createWriteBehind({ store, clock, log, repo });

  // One vote per person per answer (its button token), which they can change. Who voted is kept
  // only in memory, as HMAC-SHA256(random per-process key, token + user id), for as long as the
  // core can still resolve the token (its query memory is an in-process LRU of 5,000 answers, so
  // after a restart the buttons count nothing anyway). The database keeps per-question totals only.
  const feedbackKey = randomBytes(32);
  const voters = createLru<string, { key: string; votes: Map<string, boolean> }>(FEEDBACK_TOKENS);

  /** A question as kept for /gaps: personal data masked, whitespace cleaned, at most `max` characters. */
  const maskedQuestion = (q: unknown, max: number) => clip(cleanText(redactPersonalData(cleanText(String(q ?? '')))), max);

  function purge(now: Date): void {
    if (!(days > 0)) return;
    const cutoff = now.getTime() - days * DAY_MS;
    const g = repo.purgeGaps.run(cutoff).changes;
    const f = repo.purgeFeedback.run(cutoff).changes;
    if (g || f) log.info({ gaps: g, feedback: f, days }, 'purged old unanswered questions and feedback');
  }

  const gaps: CommandSpec = {
    name: 'gaps',
    usage: '/gaps',
    description: 'Questions the practice base could not answer, and answer feedback',
    access: 'secretariat',
    group: 'Administration',
    async run(ctx) {
      writes.flush();
      const since = days > 0 ? ctx.now.getTime() - days * DAY_MS : 0;
      const found = {
        days,
        groups: repo.gapGroups.all(since, 20),
        count: repo.gapCount.get(since) ?? { n: 0, groups: 0 },
        totals: repo.feedbackTotals.get(),
        worst: repo.feedbackWorst.all(10),
      };
      // the reply's module (and luxon) is loaded with the command, not at start (src/app-console.ts)
      const { gapsReply } = await import('./replies.ts');
      return gapsReply(found);
    },
  };

  return {
    name: 'feedback',
    commands: [gaps],

    unansweredSince(since, limit) {
      writes.flush();
      const count = repo.gapCount.get(since.getTime());
      return { total: count?.n ?? 0, groups: repo.gapGroups.all(since.getTime(), limit).map((g) => ({ question: g.question, n: g.n })) };
    },

    answerFeedback(limit) {
      writes.flush();
      const t = repo.feedbackTotals.get();
      return {
        helpful: t?.helpful ?? 0,
        notHelpful: t?.not_helpful ?? 0,
        worst: repo.feedbackWorst.all(limit).map((r) => ({ question: r.key, notHelpful: r.not_helpful })),
      };
    },

    recordGap(q, language) {
      const text = maskedQuestion(q, MAX_GAP_CHARS);
      if (!text) return;
      const lang = typeof language === 'string' && /^[a-z]{2,3}$/.test(language) ? language : null;
      writes.push({ gap: [text, normalise(text), clock.now().getTime(), lang] });
    },

    recordFeedback(key, helpful, by) {
      // The key is the question that was answered: personal data is masked as in gaps.
      const k = maskedQuestion(key, 200);
      if (!k || (by && (!by.token || !by.voter))) return 'ignored';
      const at = clock.now().getTime();
      const count = (target: string, h: number, n: number) => writes.push({ feedback: { key: target, h, n, at } });
      if (!by) {
        count(k, helpful ? 1 : 0, helpful ? 0 : 1);
        return 'new';
      }
      let answer = voters.get(by.token);
      if (!answer) {
        // The totals belong to the question the token was first given for.
        answer = { key: k, votes: new Map() };
        voters.set(by.token, answer);
      }
      const voter = createHmac('sha256', feedbackKey).update(`${by.token}\u0000${by.voter}`).digest('base64url');
      const before = answer.votes.get(voter);
      if (before === helpful) return 'same';
      answer.votes.set(voter, helpful);
      if (before === undefined) {
        count(answer.key, helpful ? 1 : 0, helpful ? 0 : 1);
        return 'new';
      }
      count(answer.key, helpful ? 1 : -1, helpful ? -1 : 1);
      return 'changed';
    },

    async tick(now) {
      try {
        writes.flush();
        purge(now);
      } catch (err) {
        log.error({ err: errorFields(err) }, 'could not purge old unanswered questions');
      }
    },

    nextDueAt() {
      if (!(days > 0)) return undefined;
      // The oldest row, written or still queued, comes due `days` after it was written.
      const times = [repo.oldestGap.get()?.at, repo.oldestFeedback.get()?.at, writes.oldestAt()].filter((t): t is number => t != null);
      return times.length ? new Date(Math.min(...times) + days * DAY_MS) : undefined;
    },

    flush: () => writes.flush(),
    stop: () => writes.flush(),
  };
}
