// Issue 12, checked the way a reviewer would: every table is written by one module, no feature
// imports another feature's internals, no import circle outside the migrations list, and
// nextDueAt() is a query (it writes nothing). Static checks read the sources; they take milliseconds.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GROUP, createTestBot, removeTempDirs } from './helpers/community.ts';

afterAll(() => removeTempDirs());

const ROOT = path.resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(rel));
    else if (e.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

const files = [...sources('src'), ...sources('adapters')];
const text = new Map(files.map((f) => [f, fs.readFileSync(path.join(ROOT, f), 'utf8')]));
const isMigration = (f: string) => f.startsWith(path.join('src', 'store', 'migrations'));

/** Tables from the migrations. */
const tables = [...new Set(files.filter(isMigration).flatMap((f) => [...text.get(f)!.matchAll(/CREATE TABLE (\w+)/g)].map((m) => m[1]!)))];

/** Modules whose SQL writes `table`. */
function writers(table: string): string[] {
  const re = new RegExp(`\\b(?:INSERT(?: OR \\w+)? INTO|UPDATE(?: OR \\w+)?|DELETE FROM)\\s+${table}\\b`);
  return files.filter((f) => !isMigration(f) && re.test(text.get(f)!)).sort();
}

/** Relative imports of a file (import and export ... from), resolved to repository paths. */
function importsOf(f: string): string[] {
  const out: string[] = [];
  for (const m of text.get(f)!.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/g)) {
    out.push(path.normalize(path.join(path.dirname(f), m[1]!)));
  }
  return out;
}

describe('architecture (issue 12)', () => {
  it('every table is written by one module', () => {
    expect(tables.length).toBeGreaterThan(15);
    const expected: Record<string, string[]> = {
      // /healthz probes the write lock with an update of meta it rolls back (it changes nothing).
      meta: ['src/ops/health.ts', 'src/store/meta.ts'],
      agenda_suggestions: ['src/features/agenda/repo.ts'],
      agenda_polls: ['src/features/agenda/repo.ts'],
    };
    const found = Object.fromEntries(tables.map((t) => [t, writers(t)]));
    for (const t of tables) {
      if (expected[t]) expect(found[t], t).toEqual(expected[t]);
      else expect(found[t], `${t} is written by ${found[t]!.join(', ')}`).toHaveLength(1);
    }
    expect(found.meetings).toEqual(['src/features/meetings/repo.ts']);
    expect(found.reminder_deliveries).toEqual(['src/features/reminders/repo.ts']);
    expect(found.announcements).toEqual(['src/features/reminders/repo.ts']);
    expect(found.announcement_deliveries).toEqual(['src/features/reminders/repo.ts']);
    expect(found.audit).toEqual(['src/features/access/repo.ts']);
  });

  it('no feature imports another feature’s internals (only what its index.ts exports)', () => {
    const bad: string[] = [];
    for (const f of files.filter((x) => x.startsWith(path.join('src', 'features')))) {
      const own = f.split(path.sep)[2];
      for (const t of importsOf(f)) {
        const parts = t.split(path.sep);
        if (parts[0] === 'src' && parts[1] === 'features' && parts[2] !== own && parts[3] !== 'index.ts') bad.push(`${f} -> ${t}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('has no import circle outside the migrations list', () => {
    const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => text.has(t))]));
    const cycles: string[][] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, 'open');
      stack.push(f);
      for (const t of graph.get(f)!) {
        if (state.get(t) === 'open') cycles.push(stack.slice(stack.indexOf(t)));
        else if (!state.has(t)) visit(t);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles.filter((c) => !c.every(isMigration))).toEqual([]);
  });

  it('no file of the features, the core or the wiring is over 500 lines', () => {
    const mine = files.filter((f) => f.startsWith(path.join('src', 'features')) || f.startsWith(path.join('src', 'core')) || f === path.join('src', 'app.ts'));
    expect(mine.length).toBeGreaterThan(30);
    const long = mine.filter((f) => text.get(f)!.split('\n').length > 500);
    expect(long).toEqual([]);
  });

  it('nextDueAt() of every feature is a query: it writes nothing, with reminders, retries and polls due', async () => {
    const b = createTestBot({ config: { allowedChats: [GROUP, 'telegram:-100600'] } });
    try {
      expect(await b.sayText('/subscribe')).toMatch(/subscribed/i);
      expect(await b.sayText('/subscribe', { chat: 'telegram:-100600' })).toMatch(/subscribed/i);
      expect(await b.sayText('/meeting add 2026-01-20 10:00 Europe/Sofia | 7th COLEP meeting | Sofia')).toContain('Id: m1');
      expect(await b.sayText('/suggest Encryption of seized mobile devices')).toMatch(/is saved/);
      expect(await b.sayText('/suggest Training for border guards')).toMatch(/is saved/);
      expect(await b.sayText('/poll close-at 2026-01-12 10:00 Europe/Sofia')).not.toMatch(/needs at least/);
      const before = b.community.store.changes();
      const due = Object.fromEntries(b.community.features.map((f) => [f.name, f.nextDueAt?.()?.toISOString()]));
      // The 7-day reminder of m1, and the poll's close time.
      expect(due).toMatchObject({ reminders: '2026-01-13T08:00:00.000Z', agenda: '2026-01-12T08:00:00.000Z' });
      expect(b.community.scheduler.nextWakeAt()).toBeGreaterThan(0);
      expect(b.community.store.changes()).toBe(before);
      // Past the 7-day reminder and the poll's close, before the wake that does that work: asking
      // when work is due still writes nothing (the reminder rows are made by tick, not by the question).
      b.clock.set('2026-01-13T09:00:00Z');
      for (const f of b.community.features) f.nextDueAt?.();
      b.community.scheduler.nextWakeAt();
      expect(b.community.store.changes()).toBe(before);
      await b.community.runDue();
      expect(b.community.store.changes()).toBeGreaterThan(before);
    } finally {
      await b.stop();
    }
  });
});
