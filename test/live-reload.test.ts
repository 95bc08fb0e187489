// Live reload, /reload, /new and /sources dates (issue 13), in process through the app: a temporary
// KNOWLEDGE_DIR copied from knowledge/, a fake clock, the real core and store.
import fs from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Incoming } from '../src/core/ports.ts';
import { readAudit } from '../src/features/access/index.ts';
import type { CommunityModule } from '../src/app.ts';
import { diffBases } from '../src/knowledge/diff.ts';
import { isKnowledgeChange } from '../src/knowledge/live.ts';
import { createParseCache, defaultKnowledgeDir, KnowledgeError, loadPracticeBase } from '../src/knowledge/load.ts';
import { ingestDocument } from '../src/ingest/ingest.ts';
import { parse } from 'yaml';
import { createFakeClock, createRecordingOutbound, removeTempDirs, replyText, tempDir, type FakeClock } from './helpers/community.ts';
import { snapshotBaseLoader, snapshotEngineBuilder } from './helpers/shared-engine.ts';

const SEC = 'telegram:1';
const OFFICER = 'telegram:7';
const GROUP = 'telegram:-100';

const apps: App[] = [];
afterEach(async () => {
  while (apps.length) await apps.pop()!.stop();
});
afterAll(removeTempDirs);

function copyKnowledge(): string {
  const dir = tempDir('pb-live-');
  const kb = path.join(dir, 'knowledge');
  fs.cpSync(defaultKnowledgeDir(), kb, { recursive: true, filter: (src) => !src.includes(`${path.sep}drafts`) });
  return kb;
}

function makeApp(kb: string, clock: FakeClock = createFakeClock('2026-12-07T10:00:00Z')) {
  const dir = tempDir('pb-live-db-');
  const config = loadConfig({ DATABASE_PATH: path.join(dir, 'bot.db'), KNOWLEDGE_DIR: kb, SECRETARIAT: `${SEC},telegram:2`, ALLOWED_CHATS: GROUP });
  // The bot's own engine builder and first-base loader (through the snapshot cache), as src/cli.ts passes them.
  const app = createApp(config, { log: pino({ level: 'silent' }), clock, watchKnowledge: false, buildEngine: snapshotEngineBuilder, loadFirstBase: snapshotBaseLoader });
  const outbound = createRecordingOutbound({ platform: 'telegram' });
  app.router.register(outbound);
  apps.push(app);
  const say = async (text: string, user = SEC, chat = GROUP) => {
    const msg: Incoming = { platform: 'telegram', chat: { id: chat, type: chat === GROUP ? 'group' : 'private' }, user: { id: user }, text, addressed: true };
    return replyText(await app.core.handleMessage(msg));
  };
  return { app, outbound, say, clock };
}

const ENTRY = (id: string, title: string, extra = '') => `- id: ${id}
  kind: good-practice
  title: ${title}
  text: Border police use drones with thermal cameras to spot smuggling groups crossing at night in remote areas.
  themes: [border-management, equipment]
  source: {document: 001_f556e3455b226015.txt, section: Good Practices, meeting: colep-3}
${extra}`;

describe('/reload', () => {
  it('reports entries added, changed and removed, with ids and titles, and swaps the engine in place', async () => {
    const kb = copyKnowledge();
    const { app, say } = makeApp(kb);
    const engine = app.engine;
    expect(engine.search('drone thermal cameras').hits.map((h) => h.entry.id)).not.toContain('colep3-gp-drone-patrols');

    fs.writeFileSync(path.join(kb, 'entries', '009-drones.yaml'), `# drones\n${ENTRY('colep3-gp-drone-patrols', 'Drone patrols along the green border')}`);
    const file = path.join(kb, 'entries', '003-interpol-erc-42.yaml');
    const text = fs.readFileSync(file, 'utf8');
    const firstTitle = /title: (.+)/.exec(text)![1]!;
    fs.writeFileSync(file, text.replace(`title: ${firstTitle}`, 'title: A changed title for the conference overview'));
    // remove the last entry of the Bali file (nothing links to it by construction of the check below)
    const before = app.engine.base.entries.length;

    const out = await say('/reload');
    expect(out).toMatch(/Practice base reloaded: \d+ entries \(1 added, 1 changed, 0 removed\)/);
    expect(out).toMatch(/Added\n- colep3-gp-drone-patrols Drone patrols along the green border/);
    expect(out).toMatch(/Changed\n- interpol13-\S+ A changed title for the conference overview/);
    // the same engine object now answers from the new base
    expect(app.engine).toBe(engine);
    expect(app.engine.base.entries.length).toBe(before + 1);
    expect(engine.search('drone thermal cameras').hits[0]?.entry.id).toBe('colep3-gp-drone-patrols');

    fs.rmSync(path.join(kb, 'entries', '009-drones.yaml'));
    const removed = await say('/reload');
    expect(removed).toMatch(/\(0 added, 0 changed, 1 removed\)/);
    expect(removed).toMatch(/Removed\n- colep3-gp-drone-patrols/);
    expect(await say('/reload')).toMatch(/Nothing changed/);
  });

  it('caps long lists', async () => {
    const kb = copyKnowledge();
    const { say } = makeApp(kb);
    const many = Array.from({ length: 14 }, (_, i) => ENTRY(`colep3-gp-drone-${i}`, `Drone practice number ${i}`)).join('\n');
    fs.writeFileSync(path.join(kb, 'entries', '009-drones.yaml'), `# drones\n${many}`);
    const out = await say('/reload');
    expect(out).toContain('(14 added, 0 changed, 0 removed)');
    expect(out.match(/^- colep3-gp-drone-\d+/gm)).toHaveLength(10);
    expect(out).toContain('and 4 more');
  });

  it('is refused to others (nothing reloaded, nothing audited) and audited for the secretariat', async () => {
    const kb = copyKnowledge();
    const { app, say } = makeApp(kb);
    fs.writeFileSync(path.join(kb, 'entries', '009-drones.yaml'), `# drones\n${ENTRY('colep3-gp-drone-patrols', 'Drone patrols along the green border')}`);
    const store = (app.community as CommunityModule).store;
    const n = app.engine.base.entries.length;

    expect(await say('/reload', OFFICER)).toMatch(/only the secretariat can use \/reload/);
    expect(app.engine.base.entries.length).toBe(n);
    expect(readAudit(store, { action: 'knowledge.reload' })).toHaveLength(0);

    expect(await say('/reload', SEC)).toMatch(/1 added/);
    const rows = readAudit(store, { action: 'knowledge.reload' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor: SEC, subject: kb, details: { status: 'reloaded', added: 1, changed: 0, removed: 0 } });
  });

  it('keeps the old base when a change fails the check, and lists the problems (file, item, field), capped', async () => {
    const kb = copyKnowledge();
    const { app, say } = makeApp(kb);
    const n = app.engine.base.entries.length;
    fs.writeFileSync(
      path.join(kb, 'entries', '009-drones.yaml'),
      `# drones\n${ENTRY('colep3-gp-drone-patrols', 'Drone patrols along the green border').replace('equipment', 'astrology')}`,
    );
    const out = await say('/reload');
    expect(out).toMatch(/was not loaded: 1 problem\. The previous base \(\d+ entries\) is still answering/);
    expect(out).toMatch(/entries\/009-drones\.yaml:\d+: error: entry "colep3-gp-drone-patrols" \(item 1\), field "themes\[1\]": unknown theme "astrology"/);
    expect(out).not.toMatch(/\n\s+at /);
    expect(app.engine.base.entries.length).toBe(n);
    expect(app.engine.search('cyber patrol unit').hits.length).toBeGreaterThan(0);
    const rows = readAudit((app.community as CommunityModule).store, { action: 'knowledge.reload' });
    expect(rows.at(-1)?.details).toMatchObject({ status: 'failed', problems: 1 });

    // a draft item left in entries/ is named as the check names it
    fs.writeFileSync(path.join(kb, 'entries', '009-drones.yaml'), `# drones\n${ENTRY('colep3-gp-drone-patrols', 'Drone patrols along the green border', '  review: [draft, rewrite-in-own-words]\n')}`);
    expect(await say('/reload')).toMatch(/field "review": still marked for review/);

    // many problems: ten lines and a count
    const bad = Array.from({ length: 12 }, (_, i) => ENTRY(`colep3-gp-bad-${i}`, `Bad entry ${i}`).replace('equipment', 'astrology')).join('\n');
    fs.writeFileSync(path.join(kb, 'entries', '009-drones.yaml'), `# bad\n${bad}`);
    const many = await say('/reload');
    expect(many).toContain('12 problems');
    expect(many.match(/unknown theme "astrology"/g)).toHaveLength(10);
    expect(many).toContain('and 2 more');
  });

  it('checks the lexicon too', async () => {
    const kb = copyKnowledge();
    const { say } = makeApp(kb);
    const fr = path.join(kb, 'lexicon', 'fr.yaml');
    fs.writeFileSync(fr, fs.readFileSync(fr, 'utf8').replace(/^language: fr$/m, 'language: xx'));
    expect(await say('/reload')).toMatch(/lexicon\/fr\.yaml:\d+: language xx, field "language"/);
  });
});

describe('telling the secretariat about a refused change', () => {
  it('in the chat where a secretariat member last spoke, once, and when it is fixed', async () => {
    const kb = copyKnowledge();
    const { app, say, outbound } = makeApp(kb);
    await say('/help', SEC, 'telegram:1'); // private chat
    await say('/help', OFFICER); // an officer in the group: not told
    fs.writeFileSync(path.join(kb, 'entries', '009-bad.yaml'), '# bad\n- id: broken\n');
    await app.knowledge.reload('watch');
    await new Promise((r) => setImmediate(r));
    const sent = outbound.to('telegram:1');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toMatch(/change was not loaded: \d+ problems/);
    expect(sent[0]!.text).toContain('entries/009-bad.yaml');
    expect(outbound.to(GROUP)).toHaveLength(0);
    // the same problems again: not told twice; the member's next command has no notice either
    await app.knowledge.reload('watch');
    expect(outbound.sent).toHaveLength(1);
    expect(await say('/help', SEC, 'telegram:1')).not.toMatch(/was not loaded/);
    // fixed: told it loads again
    fs.rmSync(path.join(kb, 'entries', '009-bad.yaml'));
    fs.writeFileSync(path.join(kb, 'entries', '009-drones.yaml'), `# drones\n${ENTRY('colep3-gp-drone-patrols', 'Drone patrols along the green border')}`);
    await app.knowledge.reload('watch');
    await new Promise((r) => setImmediate(r));
    expect(outbound.to('telegram:1').at(-1)!.text).toMatch(/loads again: \d+ entries \(1 added, 0 changed, 0 removed\)/);
  });

  it('on the next secretariat command when no chat is known (one line before the reply, once)', async () => {
    const kb = copyKnowledge();
    const { app, say, outbound } = makeApp(kb);
    fs.writeFileSync(path.join(kb, 'entries', '009-bad.yaml'), '# bad\n- id: broken\n');
    await app.knowledge.reload('watch');
    expect(outbound.sent).toHaveLength(0);
    expect(await say('/sources', OFFICER)).not.toMatch(/was not loaded/);
    const first = await say('/sources', SEC);
    expect(first.split('\n')[0]).toMatch(/^\[warning\] The practice base change of 2026-12-07 10:00 UTC was not loaded \(\d+ problems\); .*Send \/reload/);
    expect(first).toContain('Sources: 5 documents');
    expect(await say('/sources', SEC)).not.toMatch(/was not loaded/);
    // the broken file taken away: the files are as last loaded, and nobody else is told any more
    fs.rmSync(path.join(kb, 'entries', '009-bad.yaml'));
    expect((await app.knowledge.reload('watch')).status).toBe('unchanged');
    expect(app.knowledge.failure()).toBeUndefined();
    await say('/help', OFFICER);
    expect(await say('/sources', 'telegram:2', 'telegram:2')).not.toMatch(/was not loaded/); // a second secretariat member
  });
});

describe('/new and /sources', () => {
  function dated(kb: string) {
    // 000 (colep-3) added 2026-11-20; 004 (Bali) 2026-10-01; one Europol entry on its own 2026-12-05
    const docs = path.join(kb, 'documents.yaml');
    let text = fs.readFileSync(docs, 'utf8').replace(/  added: .+\n/g, '');
    text = text.replace('  sections: [News item]\n', '  sections: [News item]\n  added: 2026-11-20\n');
    text = text.replace('  sections: [News item, Emerging key issues and priorities]', '  sections: [News item, Emerging key issues and priorities]\n  added: 2026-10-01');
    fs.writeFileSync(docs, text);
    const europol = path.join(kb, 'entries', '002-europol-2024-digital-smuggling.yaml');
    const e = fs.readFileSync(europol, 'utf8');
    const id = /- id: (\S+)/.exec(e)![1]!;
    fs.writeFileSync(europol, e.replace(`- id: ${id}\n`, `- id: ${id}\n  added: 2026-12-05\n`));
    return id;
  }

  it('/new lists the entries added in the last 30 days by meeting, newest first, with the injected clock', async () => {
    const kb = copyKnowledge();
    const europolId = dated(kb);
    const { app, say, clock } = makeApp(kb, createFakeClock('2026-12-07T10:00:00Z'));
    const base = app.engine.base;
    const news = base.entries.filter((e) => e.source.document === '000_fd187bde8d8e5a71.txt');
    const europol = base.entries.find((e) => e.id === europolId)!;
    const out = await say('/new', OFFICER, 'telegram:7');
    expect(out).toContain(`New in the last 30 days: ${news.length + 1} entries from 2 meetings`);
    const lines = out.split('\n');
    const eu = lines.findIndex((l) => l.startsWith('EC–Europol thematic meeting'));
    const colep = lines.findIndex((l) => l.startsWith('3rd COLEP meeting'));
    expect(eu).toBeGreaterThan(0);
    expect(colep).toBeGreaterThan(eu); // newest first
    expect(lines[eu]).toContain('(added 2026-12-05; 1 entry)');
    expect(lines[eu + 1]).toContain(europol.title);
    expect(lines[colep]).toContain(`(added 2026-11-20; ${news.length} entries)`);
    expect(out).not.toContain('Bali Process'); // 2026-10-01 is older than 30 days

    clock.set('2027-01-10T10:00:00Z');
    const later = await say('/new', OFFICER, 'telegram:7');
    expect(later).toContain('Nothing has been added to the practice base in the last 30 days');
    expect(later).toContain('The latest addition was on 2026-12-05');
  });

  it('/sources shows the date each document was added', async () => {
    const { say } = makeApp(copyKnowledge());
    const out = await say('/sources', OFFICER, 'telegram:7');
    expect(out.match(/entries, added 2026-11-23\. File: /g)).toHaveLength(5);
  });
});

describe('pieces', () => {
  it('diffBases: added, changed, removed and other lists', () => {
    const a = loadPracticeBase(defaultKnowledgeDir());
    const [x, y, ...rest] = a.entries;
    const b = { ...a, entries: [{ ...x!, text: `${x!.text} More.` }, ...rest, { ...y!, id: 'new-one' }], meetings: a.meetings.slice(1) };
    const d = diffBases(a, b);
    expect(d.added.map((r) => r.id)).toEqual(['new-one']);
    expect(d.changed.map((r) => r.id)).toEqual([x!.id]);
    expect(d.removed.map((r) => r.id)).toEqual([y!.id]);
    expect(d.lists).toEqual(['meetings']);
    expect(diffBases(a, loadPracticeBase(defaultKnowledgeDir()))).toEqual({ added: [], changed: [], removed: [], lists: [] });
  });

  it('the parse cache gives what a fresh load gives, and never a stale file', () => {
    const kb = copyKnowledge();
    const cache = createParseCache();
    expect(loadPracticeBase(kb, { cache })).toEqual(loadPracticeBase(kb));
    expect(cache.files.size).toBeGreaterThan(5);
    const file = path.join(kb, 'entries', '003-interpol-erc-42.yaml');
    const title = /title: (.+)/.exec(fs.readFileSync(file, 'utf8'))![1]!;
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(`title: ${title}`, 'title: Changed through the cache'));
    const again = loadPracticeBase(kb, { cache });
    expect(again.entries.map((e) => e.title)).toContain('Changed through the cache');
    expect(again).toEqual(loadPracticeBase(kb));
    // a cached file's problems come back with their line numbers
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('kind: fact', 'kind: rumour'));
    const lines = () => {
      try {
        loadPracticeBase(kb, { cache });
      } catch (err) {
        return (err as KnowledgeError).problems;
      }
      return [];
    };
    const first = lines();
    expect(first[0]).toMatch(/003-interpol-erc-42\.yaml:\d+: entry "interpol13-\S+" \(item \d+\), field "kind"/);
    expect(lines()).toEqual(first);
    // removed files leave the cache
    fs.rmSync(file);
    lines();
    expect(cache.files.has(file)).toBe(false);
  });

  it('a YAML alias bomb is a problem of its file, not a crash', () => {
    const kb = copyKnowledge();
    const bomb = ['- &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => `- &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    fs.writeFileSync(path.join(kb, 'entries', '009-bomb.yaml'), `# bomb\n${bomb}\n`);
    expect(() => loadPracticeBase(kb)).toThrow(KnowledgeError);
    try {
      loadPracticeBase(kb);
    } catch (err) {
      expect((err as KnowledgeError).problems.join('\n')).toMatch(/009-bomb\.yaml: YAML: Excessive alias count/);
    }
  });

  it('ingest writes the day it drafted into the document record (added)', async () => {
    const kb = copyKnowledge();
    const md = path.join(path.dirname(kb), 'colep-5-summary.md');
    fs.writeFileSync(md, '# 5th COLEP meeting\n\n## Challenges\n\n- Smugglers move their adverts to new platforms faster than takedowns.\n');
    const r = await ingestDocument({ file: md, meetingId: 'colep-5', knowledgeDir: kb, now: new Date('2026-12-03T09:00:00Z') });
    const items = parse(fs.readFileSync(r.out, 'utf8')) as { document?: { added?: string } }[];
    expect(items.find((i) => i.document)?.document?.added).toBe('2026-12-03');
  });

  it('watch events: entries, lexicon and the top files count; drafts, README and swap files do not', () => {
    for (const f of ['entries/005-colep-4.yaml', 'lexicon/fr.yaml', 'themes.yaml', 'documents.yml', 'entries', null]) expect(isKnowledgeChange(f)).toBe(true);
    for (const f of ['drafts/colep-4.yaml', 'README.md', 'entries/.005.yaml.swp', 'entries/005.yaml~', 'entries/notes.txt', 'other.yaml']) expect(isKnowledgeChange(f)).toBe(false);
  });
});
