// What changed between two loads of the practice base: entries added, changed and removed (by id),
// and whether the other lists (themes, synonyms, meetings, documents) changed. Used by live reload
// to say what a reload did (/reload, the log, the audit trail).
import type { Entry, PracticeBase } from './schema.ts';

export interface EntryRef {
  id: string;
  title: string;
}

export interface BaseDiff {
  added: EntryRef[];
  changed: EntryRef[];
  removed: EntryRef[];
  /** Other lists whose content changed, e.g. ['meetings', 'documents']. */
  lists: ('themes' | 'synonyms' | 'meetings' | 'documents' | 'aliases')[];
}

const ref = (e: Entry): EntryRef => ({ id: e.id, title: e.title });

/** Everything an entry shows or links to: a change in any of it is a changed entry. */
const entryKey = (e: Entry) =>
  JSON.stringify([e.kind, e.title, e.text, e.themes, e.sources, e.keywords, e.addressed_by, e.related, e.added ?? null]);

export function diffBases(before: PracticeBase, after: PracticeBase): BaseDiff {
  const old = new Map(before.entries.map((e) => [e.id, e]));
  const now = new Set(after.entries.map((e) => e.id));
  const added: EntryRef[] = [];
  const changed: EntryRef[] = [];
  for (const e of after.entries) {
    const prev = old.get(e.id);
    if (!prev) added.push(ref(e));
    else if (prev !== e && entryKey(prev) !== entryKey(e)) changed.push(ref(e));
  }
  const removed = before.entries.filter((e) => !now.has(e.id)).map(ref);
  const lists: BaseDiff['lists'] = [];
  const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);
  for (const k of ['themes', 'synonyms', 'meetings', 'documents'] as const) if (!same(before[k], after[k])) lists.push(k);
  if (!same([...before.aliases], [...after.aliases])) lists.push('aliases');
  return { added, changed, removed, lists };
}

export const isEmptyDiff = (d: BaseDiff) => d.added.length + d.changed.length + d.removed.length + d.lists.length === 0;

/** "3 added, 1 changed, 0 removed" */
export function diffCounts(d: BaseDiff): string {
  return `${d.added.length} added, ${d.changed.length} changed, ${d.removed.length} removed`;
}
