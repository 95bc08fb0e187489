// Human dates for meetings and citations for entries: "3rd COLEP meeting, 4 May 2023, Good Practices".
import type { Citation } from '../core/reply.ts';
import type { Entry, Meeting, PracticeBase } from './schema.ts';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

interface Parts {
  y: number;
  m?: number;
  d?: number;
}

function parts(s: string): Parts {
  const [y, m, d] = s.split('-').map((x) => Number.parseInt(x, 10));
  return { y: y!, ...(m ? { m } : {}), ...(d ? { d } : {}) };
}

const month = (m: number | undefined) => (m && m >= 1 && m <= 12 ? MONTHS[m - 1]! : '');

/** "4 May 2023", "29–30 April 2024", "14–16 May 2013", "September 2023", or the label for vague dates. */
export function formatMeetingDate(meeting: Pick<Meeting, 'date'>): string {
  const { start, end, precision, label } = meeting.date;
  const a = parts(start);
  const b = end ? parts(end) : undefined;
  if (precision === 'day' && a.m && a.d) {
    if (!b || !b.m || !b.d || (b.y === a.y && b.m === a.m && b.d === a.d)) return `${a.d} ${month(a.m)} ${a.y}`;
    if (b.y === a.y && b.m === a.m) return `${a.d}–${b.d} ${month(a.m)} ${a.y}`;
    if (b.y === a.y) return `${a.d} ${month(a.m)} – ${b.d} ${month(b.m)} ${a.y}`;
    return `${a.d} ${month(a.m)} ${a.y} – ${b.d} ${month(b.m)} ${b.y}`;
  }
  if (label && label.trim() !== '') return label.trim();
  if ((precision === 'month' || precision === 'day') && a.m) {
    if (b?.m && (b.m !== a.m || b.y !== a.y)) {
      return b.y === a.y ? `${month(a.m)}–${month(b.m)} ${a.y}` : `${month(a.m)} ${a.y} – ${month(b.m)} ${b.y}`;
    }
    return `${month(a.m)} ${a.y}`;
  }
  if (b && b.y !== a.y) return `${a.y}–${b.y}`;
  return String(a.y);
}

const lookups = new WeakMap<PracticeBase, { meetings: Map<string, Meeting>; docs: Map<string, string> }>();

function lookup(base: PracticeBase) {
  let l = lookups.get(base);
  if (!l) {
    l = {
      meetings: new Map(base.meetings.map((m) => [m.id, m])),
      docs: new Map(base.documents.map((d) => [d.file, d.meeting])),
    };
    lookups.set(base, l);
  }
  return l;
}

/** The citation of an entry: "<meeting title>, <date>, <section>". */
export function citationFor(entry: Pick<Entry, 'source'>, base: PracticeBase): Citation {
  const { document, section, meeting } = entry.source;
  const l = lookup(base);
  const m = l.meetings.get(meeting) ?? l.meetings.get(l.docs.get(document) ?? '');
  const label = m ? `${m.title}, ${formatMeetingDate(m)}, ${section}` : `${document}, ${section}`;
  return { label, document, section, meeting };
}
