// Member-country time zones per community (seeds/communities.yaml, synced into the database),
// and how a meeting time reads in each of them: local time, outside working hours, weekend.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DateTime, IANAZone } from 'luxon';
import type { Logger } from 'pino';
import { z } from 'zod/v3';
import { zodMessages } from '../../shared/zod-messages.ts';
import { packagePath } from '../../paths.ts';
import { LOCALE } from '../../shared/time-zones.ts';
import { createMeta } from '../../store/meta.ts';
import type { Store } from '../../store/store.ts';
import { yaml } from '../../shared/yaml.ts';

export interface MemberZone {
  country: string;
  zone: string;
  /** ISO weekdays (1 = Monday ... 7 = Sunday) */
  weekend: number[];
  workStart: string;
  workEnd: string;
}

export function defaultSeedsDir(): string {
  return packagePath('seeds');
}

const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;
const zoneName = z.string().refine((s) => IANAZone.isValidZone(s), { message: 'is not an IANA time zone' });
const memberSchema = z.strictObject({
  country: z.string().min(2).max(80),
  zone: zoneName,
  weekend: z.array(z.number().int().min(1).max(7)).max(3).default([6, 7]),
  hours: z
    .string()
    .default('09:00-17:00')
    .refine((s) => {
      const [a, b] = s.split('-');
      return !!a && !!b && hhmm.test(a) && hhmm.test(b) && a < b;
    }, { message: 'must read HH:MM-HH:MM' }),
});
export const communitiesSeedSchema = z.strictObject({
  communities: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
        name: z.string().min(2),
        members: z.array(memberSchema).min(1),
      }),
    )
    .min(1),
});

export class SeedError extends Error {
  override name = 'SeedError';
}

/** Reads seeds/communities.yaml and writes it into community_zones when its content changed
 *  (idempotent: same file, no writes; nor any parsing: the ids are kept beside the hash). Returns the
 *  community ids it knows. */
export function syncCommunitySeeds(store: Store, seedsDir: string, log?: Logger): string[] {
  const file = path.join(seedsDir, 'communities.yaml');
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new SeedError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  const hash = crypto.createHash('sha256').update(raw).digest('hex');
  const db = store.db;
  const meta = createMeta(store);
  const seen = meta.get('seed.communities.sha256');
  const seenIds = meta.get('seed.communities.ids');
  if (seen === hash && seenIds) {
    try {
      const ids = JSON.parse(seenIds) as unknown;
      if (Array.isArray(ids) && ids.every((id) => typeof id === 'string')) return ids as string[];
    } catch {
      // unreadable: parse the file again below
    }
  }
  const parsed = communitiesSeedSchema.safeParse(yaml().parse(raw), { errorMap: zodMessages }) // the parser is loaded only when the seeds changed;
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `- ${i.path.join('.')}: ${i.message}`);
    throw new SeedError(`Invalid ${file}:\n${lines.join('\n')}`);
  }
  const ids = parsed.data.communities.map((c) => c.id);
  if (seen === hash) {
    store.immediate(() => meta.set('seed.communities.ids', JSON.stringify(ids)));
    return ids;
  }
  const del = db.prepare('DELETE FROM community_zones WHERE community = ?');
  const ins = db.prepare(
    'INSERT INTO community_zones (community, position, country, zone, weekend, work_start, work_end) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  store.immediate(() => {
    for (const c of parsed.data.communities) {
      del.run(c.id);
      c.members.forEach((m, i) => {
        const [a, b] = m.hours.split('-') as [string, string];
        ins.run(c.id, i, m.country, m.zone, m.weekend.join(','), a, b);
      });
    }
    meta.set('seed.communities.sha256', hash);
    meta.set('seed.communities.ids', JSON.stringify(ids));
  });
  log?.info({ communities: ids }, 'community zones loaded from seeds');
  return ids;
}

export function memberZones(store: Store, community: string): MemberZone[] {
  return store.db
    .prepare<[string], { country: string; zone: string; weekend: string; work_start: string; work_end: string }>(
      'SELECT country, zone, weekend, work_start, work_end FROM community_zones WHERE community = ? ORDER BY position',
    )
    .all(community)
    .map((r) => ({
      country: r.country,
      zone: r.zone,
      weekend: r.weekend.split(',').filter(Boolean).map(Number),
      workStart: r.work_start,
      workEnd: r.work_end,
    }));
}

export interface MemberTime {
  member: MemberZone;
  /** "Thu 10 Dec, 13:00" */
  local: string;
  /** "Thu 10 Dec" */
  day: string;
  /** "13:00" */
  time: string;
  /** The local wall-clock time, sortable: "2026-12-10T13:00" */
  wall: string;
  weekend: boolean;
  outsideHours: boolean;
}

export function memberTimes(at: Date, zones: MemberZone[]): MemberTime[] {
  return zones.map((m) => {
    const dt = DateTime.fromJSDate(at, { zone: m.zone }).setLocale(LOCALE);
    const hm = dt.toFormat('HH:mm');
    return {
      member: m,
      local: dt.toFormat('ccc d LLL, HH:mm'),
      day: dt.toFormat('ccc d LLL'),
      time: hm,
      wall: dt.toFormat("yyyy-MM-dd'T'HH:mm"),
      weekend: m.weekend.includes(dt.weekday),
      outsideHours: hm < m.workStart || hm >= m.workEnd,
    };
  });
}

/** Member times in one short line, countries grouped by local time, earliest first:
 *  "09:00 Bosnia and Herzegovina, France; 10:00 Bulgaria; 14:00 Bangladesh". The day is written
 *  only where it differs from `sameDayAs` (the meeting's own local day, e.g. "Thu 10 Dec"). */
export function compactMemberTimes(times: MemberTime[], sameDayAs?: string): string {
  const groups = new Map<string, MemberTime[]>();
  for (const t of [...times].sort((a, b) => (a.wall < b.wall ? -1 : a.wall > b.wall ? 1 : 0))) {
    const g = groups.get(t.wall);
    if (g) g.push(t);
    else groups.set(t.wall, [t]);
  }
  return [...groups.values()]
    .map((g) => {
      const first = g[0]!;
      const when = first.day === sameDayAs ? first.time : `${first.day}, ${first.time}`;
      return `${when} ${g.map((t) => t.member.country).join(', ')}`;
    })
    .join('; ');
}

/** "Bangladesh (weekend), Pakistan (outside working hours 09:00-17:00)" or '' */
export function inconvenientSummary(times: MemberTime[]): string[] {
  return times
    .filter((t) => t.weekend || t.outsideHours)
    .map((t) => {
      const why = [t.weekend ? 'weekend' : '', t.outsideHours ? `outside working hours ${t.member.workStart}-${t.member.workEnd}` : '']
        .filter(Boolean)
        .join(', ');
      return `${t.member.country}: ${t.local} local (${why})`;
    });
}
