// The follow-ups as data: the practice base's next steps kept in the table, which meeting a
// follow-up belongs to, and which meeting comes "before" another of the same series.
import type { Store } from '../../store/store.ts';
import type { FollowupKnowledge, FollowupMeeting, FollowupMeetings } from './ports.ts';
import type { FollowupRow, FollowupsRepo, FollowupStatus } from './repo.ts';

export const STATUS_LABEL: Record<FollowupStatus, string> = {
  open: 'open',
  'in-progress': 'in progress',
  done: 'done',
  dropped: 'dropped',
};

export const isOpen = (r: Pick<FollowupRow, 'status'>): boolean => r.status === 'open' || r.status === 'in-progress';

export interface FollowupModelDeps {
  store: Store;
  repo: FollowupsRepo;
  meetings: FollowupMeetings;
  knowledge: FollowupKnowledge;
  /** COMMUNITY (e.g. colep): its series' meetings are preferred where no meeting is named. */
  community?: string;
}

export type FollowupModel = ReturnType<typeof createFollowupModel>;

export function createFollowupModel(deps: FollowupModelDeps) {
  const { store, repo, meetings, knowledge } = deps;
  let synced = '';
  let lastSteps: unknown;

  /** Writes the base's next steps into the table when the base changed since the last call
   *  (a command, a tick: never from a pure query). */
  function sync(now: Date): void {
    const steps = knowledge.nextSteps();
    if (steps === lastSteps) return;
    const key = steps.map((s) => `${s.id}\u0000${s.meetingId}\u0000${s.title}`).join('\u0001');
    if (key === synced) {
      lastSteps = steps;
      return;
    }
    store.immediate(() => {
      for (const s of steps) repo.upsertEntry.run({ entry: s.id, meeting: s.meetingId, text: s.title, now: now.getTime() });
    });
    synced = key;
    lastSteps = steps;
  }

  /** Rows still meant: added in chat, or the next step of an entry the base still holds. */
  const visible = (rows: FollowupRow[]) => {
    const current = new Set(knowledge.nextSteps().map((s) => s.id));
    return rows.filter((r) => r.entry_id === null || current.has(r.entry_id));
  };

  /** The series of a meeting: its own, or a known series named in its title ("5th COLEP meeting"). */
  function seriesOf(m: FollowupMeeting, all: FollowupMeeting[]): string | undefined {
    if (m.series) return m.series.toLowerCase();
    const known = [...new Set(all.map((x) => x.series).filter((s): s is string => !!s))];
    const title = m.title.toLowerCase();
    const hit = known.find((s) => new RegExp(`(^|[^\\p{L}\\p{N}])${s.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}\\p{N}])`, 'u').test(title));
    return hit?.toLowerCase();
  }

  const byTime = (a: FollowupMeeting, b: FollowupMeeting) => a.sortAt.getTime() - b.sortAt.getTime() || a.id.localeCompare(b.id);
  /** The last of `list` (in time), preferring the community's own series. */
  function lastPreferred(list: FollowupMeeting[], all: FollowupMeeting[]): FollowupMeeting | undefined {
    const own = deps.community?.toLowerCase();
    return (own ? list.filter((m) => seriesOf(m, all) === own).at(-1) : undefined) ?? list.at(-1);
  }

  return {
    sync,
    seriesOf,
    get: (n: number) => {
      const r = repo.get.get(n);
      return r && visible([r]).length ? r : undefined;
    },
    ofMeeting: (meetingId: string) => visible(repo.ofMeeting.all(meetingId)),
    meetings: (now: Date) => meetings.list(now).sort(byTime),

    /** The latest meeting that has taken place and has follow-ups (`open`: open ones), of the
     *  community's series when it has one. */
    latestWithFollowups(now: Date, open = false): FollowupMeeting | undefined {
      const all = meetings.list(now).sort(byTime);
      const rows = visible(repo.all.all()).filter((r) => !open || isOpen(r));
      const has = new Set(rows.map((r) => r.meeting_id));
      return lastPreferred(all.filter((m) => m.past && !m.cancelled && has.has(m.id)), all);
    },

    /** The latest meeting that has taken place, of the community's series when there is one (where
     *  `/followup add` puts an action by default). */
    lastPast(now: Date): FollowupMeeting | undefined {
      const all = meetings.list(now).sort(byTime);
      return lastPreferred(all.filter((m) => m.past && !m.cancelled), all);
    },

    /** The meeting before `m` in its series that has follow-ups (the one whose next steps `m` follows up). */
    previousOf(m: FollowupMeeting, now: Date): FollowupMeeting | undefined {
      const all = meetings.list(now).sort(byTime);
      const series = seriesOf(m, all);
      if (!series) return undefined;
      const has = new Set(visible(repo.all.all()).map((r) => r.meeting_id));
      return all.filter((x) => x.id !== m.id && !x.cancelled && byTime(x, m) < 0 && has.has(x.id) && seriesOf(x, all) === series).at(-1);
    },

    /** The first meeting after `m` in its series still to come (where a follow-up goes on the agenda). */
    nextOf(m: FollowupMeeting, now: Date): FollowupMeeting | undefined {
      const all = meetings.list(now).sort(byTime);
      const series = seriesOf(m, all);
      if (!series) return undefined;
      return all.find((x) => x.id !== m.id && !x.cancelled && !x.past && byTime(x, m) > 0 && seriesOf(x, all) === series);
    },

    meeting: (id: string, now: Date) => meetings.list(now).find((m) => m.id === id),
  };
}
