// Issue 14's first check: a piped console scenario, as a secretariat would run it. A new member asks
// /whoami in a chat that is not allowed yet; the secretariat allows it with /chats allow and grants a
// co-chair; suggestions come in before any meeting has a date; the
// secretariat adds the meeting with a video link (the suggestions move to it, and the reply says so)
// and edits only its time (title, place and link stay); members answer attendance and /meeting shows
// the counts (names to the secretariat only); more suggestions come in for the dated meeting; the
// co-chair merges two and removes one; a poll runs and closes; /audit lists every privileged action;
// an officer (no role) trying each privileged command is refused and nothing changes.
// It runs the console in this process (src/cli.ts main with a stdin of its own: what the bin does, minus the
// process); the bin piping a console script is shown once, in test/cli.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMain } from './helpers/cli-command.ts';

const SEC = 'console:sec';
const CHAIR = 'console:chair';
const NEWBIE = 'console:newbie';
const OFFICER = 'console:officer';

/** Each step starts with `/as <user>`, so the output splits into one section per step, in order. */
const steps: Array<[user: string, lines: string[]]> = [
  /* 0 */ [NEWBIE, ['/whoami', '/meetings']],
  /* 1 */ [SEC, ['/chats allow console:local', '/role grant co-chair console:chair']],
  /* 2 */ [NEWBIE, ['/whoami', '/suggest Joint training on cyber patrols']],
  /* 3 */ [OFFICER, ['/suggest Sharing e-evidence from messaging apps']],
  /* 4 */ [SEC, ['/meeting add 2030-12-10 10:00 Europe/Sofia | 9th COLEP meeting | Sofia, Bulgaria | https://meet.example.org/colep-9']],
  /* 5 */ [SEC, ['/meeting edit m1 time 2030-12-11 14:30']],
  /* 6 */ [NEWBIE, ['/press att:m1:yes']],
  /* 7 */ [OFFICER, ['/press att:m1:no']],
  /* 8 */ [NEWBIE, ['/meeting m1']],
  /* 9 */ [SEC, ['/meeting m1']],
  /* 10 */ [NEWBIE, ['/suggest Cooperation with TikTok on smuggling ads']],
  /* 11 */ [OFFICER, ['/suggest Lunch menu for the delegates']],
  /* 12 */ [CHAIR, ['/agenda', '/agenda merge 1 2', '/agenda remove 4', '/agenda']],
  /* 13 */ [CHAIR, ['/poll', '/vote 1']],
  /* 14 */ [SEC, ['/poll close', '/audit 20']],
  /* 15 */ [
    OFFICER,
    [
      '/chats allow console:other',
      '/role grant co-chair console:officer',
      '/meeting add 2031-01-10 10:00 Europe/Sofia | 10th COLEP meeting | Sofia',
      '/meeting edit m1 time 2030-12-12 09:00',
      '/agenda merge 1 3',
      '/agenda remove 3',
      '/poll',
      '/audit',
    ],
  ],
  /* 16 */ [SEC, ['/audit 20', '/chats', '/role list', '/meetings', '/meeting m1']],
];

describe('piped console scenario: a secretariat runs issue 14 end to end', () => {
  it('allows the chat, grants a role, adds and edits a meeting, collects attendance and suggestions, runs a poll, audits it all, and refuses an officer', async () => {
    const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pb-sec-')), 'bot.db');
    // console:local (the console's chat) is not in ALLOWED_CHATS: the secretariat allows it in chat.
    const env = { DATABASE_PATH: db, ALLOWED_CHATS: 'console:floor', SECRETARIAT: SEC };
    const script = steps.flatMap(([user, lines]) => [`/as ${user}`, ...lines]).join('\n');
    const r = await runMain(['console'], { input: `${script}\n`, env });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const sections = r.stdout.split(/^\(now acting as [^)\n]+\)\n/m).slice(1);
    expect(sections).toHaveLength(steps.length);
    const s = (i: number): string => sections[i]!;

    // 0. The new member learns their id and the chat's id; community commands are off here.
    expect(s(0)).toMatch(/^- Your user id: console:newbie$/m);
    expect(s(0)).toMatch(/^- This chat's id: console:local \(private chat\)$/m);
    expect(s(0)).toMatch(/^- Your roles: none$/m);
    expect(s(0)).toMatch(/^- Chat allowed: no: community features [^\n]* are off here$/m);
    expect(s(0)).toMatch(/^Meetings, agenda suggestions, polls and reminders are only available in chats the secretariat has approved\.[^\n]*give the secretariat its id: console:local\./m);

    // 1. The secretariat allows the chat and grants the co-chair role.
    expect(s(1)).toMatch(/^console:local is now allowed: meetings, agenda, polls and reminders work there at once\./m);
    expect(s(1)).toMatch(/^console:chair is now a co-chair\. This is recorded in the audit log\.$/m);

    // 2-3. The chat is allowed now; suggestions before any meeting has a date go to the next meeting.
    expect(s(2)).toMatch(/^- Chat allowed: yes \(allowed in chat\)$/m);
    expect(s(2)).toMatch(/^Thank you: suggestion #1 is saved for the next meeting \(no date set yet\):\n"Joint training on cyber patrols"\nNo meeting has a date yet: the suggestions collected now move to the next meeting when the secretariat adds it\.$/m);
    expect(s(3)).toMatch(/^Thank you: suggestion #2 is saved for the next meeting \(no date set yet\):\n"Sharing e-evidence from messaging apps"$/m);

    // 4. The meeting is added with its link; the two undated suggestions now belong to it.
    expect(s(4)).toMatch(/^== Meeting added: 9th COLEP meeting ==\nId: m1\. Details: \/meeting m1\.\nWhen: Tue 10 Dec 2030, 10:00 Europe\/Sofia \(UTC\+2\), until 12:00 \(2 hours\)\nWhere: Sofia, Bulgaria\nVideo link: https:\/\/meet\.example\.org\/colep-9$/m);
    expect(s(4)).toMatch(/^2 agenda suggestions collected so far now belong to this meeting: \/agenda\.$/m);

    // 5. Only the time changes: title, place and link stay.
    expect(s(5)).toMatch(/^== Meeting changed: 9th COLEP meeting ==\nId: m1\. Details: \/meeting m1\.\nWhen: Wed 11 Dec 2030, 14:30 Europe\/Sofia \(UTC\+2\), until 16:30 \(2 hours\)\nWhere: Sofia, Bulgaria\nVideo link: https:\/\/meet\.example\.org\/colep-9$/m);

    // 6-7. Members answer attendance; the confirmation gives the running counts, no names.
    expect(s(6)).toMatch(/^Thanks, noted: you will attend 9th COLEP meeting \(m1\)\.[^\n]* So far 1 member will attend, 0 cannot\.$/m);
    expect(s(7)).toMatch(/^Thanks, noted: you cannot attend 9th COLEP meeting \(m1\)\.[^\n]* So far 1 member will attend, 1 cannot\.$/m);

    // 8. A member reads the counts without names; 9. the secretariat reads the names too.
    const memberView = s(8);
    expect(memberView).toMatch(/^== 9th COLEP meeting ==\nWhen: Wed 11 Dec 2030, 14:30 Europe\/Sofia \(UTC\+2\), until 16:30 \(2 hours\)\nWhere: Sofia, Bulgaria\nVideo link: https:\/\/meet\.example\.org\/colep-9$/m);
    expect(memberView).toMatch(/^Attendance: 1 member will attend, 1 cannot\.$/m);
    expect(memberView).not.toMatch(/console:newbie|console:officer|Will attend:/);
    const secView = s(9);
    expect(secView).toMatch(/^Attendance: 1 member will attend, 1 cannot\.\n- Will attend: console:newbie\n- Cannot attend: console:officer\n\(Names are shown to the secretariat only\.\)$/m);
    expect(secView).toMatch(/^Buttons: \[I'll attend\] \(type: \/press att:m1:yes\) {2}\[Can't attend\] \(type: \/press att:m1:no\)$/m);

    // 10-11. Suggestions after the meeting is dated go straight to it.
    expect(s(10)).toMatch(/^Thank you: suggestion #3 is saved for 9th COLEP meeting, Wed 11 Dec 2030:\n"Cooperation with TikTok on smuggling ads"$/m);
    expect(s(11)).toMatch(/^Thank you: suggestion #4 is saved for 9th COLEP meeting, Wed 11 Dec 2030:\n"Lunch menu for the delegates"$/m);

    // 12. The co-chair sees all four under the meeting, merges #2 into #1 and removes #4.
    const agenda = s(12);
    expect(agenda).toMatch(/^== Agenda suggestions: 9th COLEP meeting, Wed 11 Dec 2030 ==\n- #1 Joint training on cyber patrols \(1 supporter\)\n- #2 Sharing e-evidence from messaging apps \(1 supporter\)\n- #3 Cooperation with TikTok on smuggling ads \(1 supporter\)\n- #4 Lunch menu for the delegates \(1 supporter\)\n/m);
    expect(agenda).toMatch(/^Merged #2 "Sharing e-evidence from messaging apps" into #1 "Joint training on cyber patrols" for 9th COLEP meeting, Wed 11 Dec 2030\.\nIt now has 2 supporters/m);
    expect(agenda).toMatch(/^Suggestion #4 "Lunch menu for the delegates" was removed from the agenda of 9th COLEP meeting, Wed 11 Dec 2030 by the co-chairs\.$/m);
    expect(agenda).toMatch(/^== Agenda suggestions: 9th COLEP meeting, Wed 11 Dec 2030 ==\n- #1 Joint training on cyber patrols \(2 supporters\)\n- #3 Cooperation with TikTok on smuggling ads \(1 supporter\)\nAdd one with/m);

    // 13-14. The poll offers the two items left; the co-chair votes; the secretariat closes it.
    expect(s(13)).toMatch(/^== Agenda for 9th COLEP meeting, Wed 11 Dec 2030: which items should we discuss\? ==\nPoll #1\.[^\n]*\n1\. Joint training on cyber patrols\n2\. Cooperation with TikTok on smuggling ads\nTo vote/m);
    expect(s(13)).toMatch(/^Your vote for option 1 is recorded\./m);
    expect(s(14)).toMatch(/^== Results of poll #1: [^\n]* ==\nThe poll is closed\. 1 vote in all\.[^\n]*\n1\. Joint training on cyber patrols: 1 vote\n2\. Cooperation with TikTok on smuggling ads: 0 votes\nSaved as the agenda of 9th COLEP meeting, Wed 11 Dec 2030, in this order\.$/m);

    // 14. /audit lists every privileged action, oldest first, with who did it.
    const audit = /^== Audit log: the last (\d+) actions, oldest first ==\n((?:- [^\n]*\n)+)/m.exec(s(14));
    expect(audit, 'the /audit list').not.toBeNull();
    const lines = audit![2]!.trimEnd().split('\n').map((l) => l.replace(/^- [^:]+:\d\d [^:]+: /, ''));
    expect(lines).toEqual([
      expect.stringMatching(/^console:sec chats\.allow console:local$/),
      expect.stringMatching(/^console:sec role\.grant console:chair \(role: co-chair\)$/),
      expect.stringMatching(/^system agenda\.adopt m1 \(from: next:colep, suggestions: 2\)$/),
      expect.stringMatching(/^console:sec meeting\.add m1 \([^\n]*link: https:\/\/meet\.example\.org\/colep-9/),
      // the time-only edit names what changed: the old and the new time, whatever the title's length
      expect.stringMatching(/^console:sec meeting\.edit m1 \(before: \{"startsAt":"2030-12-10T08:00:00\.000Z"\}, after: \{"startsAt":"2030-12-11T12:30:00\.000Z"\}\)$/),
      expect.stringMatching(/^console:chair agenda\.merge suggestion:1 \(merged: 2, meeting: m1, supporters: 2\)$/),
      expect.stringMatching(/^console:chair agenda\.remove suggestion:4 \(meeting: m1, proposer: console:officer, supporters: 1\)$/),
      expect.stringMatching(/^console:chair poll\.open poll:1 \(meeting: m1, chat: console:local, anonymous: true, options: 2\)$/),
      expect.stringMatching(/^console:sec poll\.close poll:1 \(meeting: m1, [^\n]*votes: 1, agendaSaved: true\)$/),
    ]);
    expect(audit![1]).toBe('9');

    // 15. An officer without a role is refused each privileged command.
    const refusals = s(15).trimEnd().split('\n');
    expect(refusals).toEqual([
      expect.stringMatching(/^Sorry, only the secretariat can use \/chats /),
      expect.stringMatching(/^Sorry, only the secretariat can use \/role grant/),
      expect.stringMatching(/^Sorry, only the secretariat can use \/meeting add /),
      expect.stringMatching(/^Sorry, only the secretariat can use \/meeting edit /),
      expect.stringMatching(/^Sorry, only the secretariat or a co-chair can use \/agenda merge /),
      expect.stringMatching(/^Sorry, only the secretariat or a co-chair can use \/agenda remove /),
      expect.stringMatching(/^Sorry, only the secretariat or a co-chair can use \/poll /),
      expect.stringMatching(/^Sorry, only the secretariat can use \/audit /),
    ]);

    // 16. Nothing changed: the same 9 audited actions, no new chat, role, meeting, time or poll.
    const after = s(16);
    expect(after).toMatch(/^== Audit log: the last 9 actions, oldest first ==$/m);
    expect(after).toMatch(/^- [^\n]*: console:sec poll\.close poll:1 [^\n]*\nTimes are in the community's zone/m);
    expect(after).toMatch(/^== Allowed chats ==\n- console:floor: from ALLOWED_CHATS[^\n]*\n- console:local: allowed in chat by console:sec on [^\n]*\n== Subscribed chats ==$/m);
    expect(after).toMatch(/^== Roles ==\n- console:sec: secretariat \(configured in SECRETARIAT\)\n- console:chair: co-chair \(granted in chat\) by console:sec on [^\n]*\nConfigured roles/m);
    expect(after).toMatch(/^== Meetings ==\n(?:Upcoming|Next)[^\n]*\n- 9th COLEP meeting - [^\n]*\n(?!- )/m);
    expect(after).not.toMatch(/10th COLEP meeting|console:other/);
    expect(after).toMatch(/^== 9th COLEP meeting ==\nWhen: Wed 11 Dec 2030, 14:30 Europe\/Sofia/m);
    expect(after).not.toMatch(/12 Dec 2030/);
  }, 120_000);
});
