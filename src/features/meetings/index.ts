// The meetings feature: the list of meetings (added in chat by the secretariat, or seeded from the
// practice base), /meetings and /meeting (details, calendar file; add, edit, cancel), member-country
// times (seeds/communities.yaml), the settled agenda of a meeting, and the home tab.
// Tables `meetings`, `meeting_agenda` (./repo.ts) and `community_zones` (./zones.ts). Announcements
// and reminders of a change go through the MeetingNotices port (the reminders feature); the home
// tab's open polls through HomePolls (the agenda feature). Attendance answers (buttons `att:`,
// ./attendance.ts; table `attendance`) are purged `attendanceRetentionDays` after their meeting.
import type { Logger } from 'pino';
import type { AccessControl, Audit } from '../../commands/types.ts';
import type { Feature } from '../../core/feature.ts';
import type { Clock } from '../../core/ports.ts';
import type { Reply } from '../../core/reply.ts';
import type { Engine } from '../../engine/types.ts';
import type { Store } from '../../store/store.ts';
import { ATTENDANCE_PREFIX, createAttendanceAction } from './attendance.ts';
import { createMeetingCommands } from './commands.ts';
import { createHome } from './home.ts';
import { createMeetings, type Meetings } from './meetings.ts';
import type { AgendaHandOver, HomePolls, MeetingNotices } from './ports.ts';
import { DEFAULT_MEETING_LENGTH_MS } from './meeting-record.ts';
import { createMeetingsRepo } from './repo.ts';
import { defaultSeedsDir, memberZones, syncCommunitySeeds, type MemberZone } from './zones.ts';

export { ATTENDANCE_PREFIX, attendanceButtons } from './attendance.ts';
export { unknownMeeting } from './commands.ts';
export { DEFAULT_MEETING_LENGTH_MS, endOf, hasTakenPlace, isTimed, meetingDateText, timeInline, type MeetingRecord, type Precision } from './meeting-record.ts';
import type { MeetingRecord } from './meeting-record.ts';
import type { Block } from '../../core/reply.ts';
export type { Meetings } from './meetings.ts';
export { MEETING_EXAMPLE, MEETING_SYNTAX, normaliseMeetingId, parseMeetingSpec, type MeetingSpec } from './parse.ts';
export type { HomePolls, MeetingChangeKind, MeetingNotices } from './ports.ts';
export type { TimedMeeting } from './repo.ts';
export { defaultSeedsDir, SeedError, type MemberZone } from './zones.ts';

export interface MeetingsFeatureDeps {
  store: Store;
  engine: Engine;
  clock: Clock;
  log: Logger;
  /** COMMUNITY: whose member countries' times are shown. */
  community: string;
  /** Folder holding communities.yaml (default: the repository's seeds/). */
  seedsDir?: string | undefined;
  audit: Audit;
  notices: MeetingNotices;
  /** Blocks another feature adds to a meeting's details and (compact) reminders: the open
   *  follow-ups of the previous meeting (issue 15). */
  extraDetails?: (m: MeetingRecord, now: Date, compact: boolean) => Block[];
  /** The agenda's hand-over of suggestions collected before a date (ports.ts). */
  agenda?: AgendaHandOver;
  access: Pick<AccessControl, 'isChatAllowed'>;
  polls: HomePolls;
  /** MEETING_LENGTH: how long a meeting added in chat lasts (default 2 hours). */
  meetingLengthMs?: number | undefined;
  /** Days after its meeting that an attendance answer is kept (SUGGESTIONS_RETENTION_DAYS);
   *  absent = kept. */
  attendanceRetentionDays?: number | undefined;
}

export interface MeetingsFeature extends Feature {
  readonly meetings: Meetings;
  /** The member zones of the configured community. */
  zones(): MemberZone[];
  /** The home tab for a user. */
  home(userId: string): Promise<Reply>;
}

/** Builds the feature. Writes at start-up: the member zones from the seeds (when they changed) and
 *  the practice base's meetings (throws SeedError on a bad seeds file). */
export function createMeetingsFeature(deps: MeetingsFeatureDeps): MeetingsFeature {
  const { store, engine, clock } = deps;
  const log = deps.log.child({ module: 'community' });
  const known = syncCommunitySeeds(store, deps.seedsDir ?? defaultSeedsDir(), log);
  if (!known.includes(deps.community)) {
    log.warn({ community: deps.community, known }, 'COMMUNITY is not in seeds/communities.yaml: no member time zones will be shown');
  }
  let zoneCache: MemberZone[] | undefined;
  const zones = () => (zoneCache ??= memberZones(store, deps.community));
  const meetings = createMeetings({
    repo: createMeetingsRepo(store, deps.meetingLengthMs ?? DEFAULT_MEETING_LENGTH_MS),
    engine,
    log: deps.log,
    zones,
    ...(deps.extraDetails ? { extraDetails: deps.extraDetails } : {}),
  });
  meetings.seedPracticeBase(engine.base.meetings, clock.now());
  const home = createHome({ meetings, access: deps.access, polls: deps.polls });
  return {
    name: 'meetings',
    meetings,
    zones,
    commands: createMeetingCommands({ store, audit: deps.audit, meetings, notices: deps.notices, ...(deps.agenda ? { agenda: deps.agenda } : {}) }),
    home: async (userId) => home(userId, clock.now()),
    actions: { [ATTENDANCE_PREFIX]: createAttendanceAction(meetings) },
    purge(now) {
      const days = deps.attendanceRetentionDays;
      if (days === undefined) return;
      const purged = meetings.purgeAttendance(now.getTime() - days * 86_400_000);
      if (purged) log.info({ purged, days }, 'attendance answers purged');
    },
  };
}
