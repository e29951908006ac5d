/**
 * The election mails' wording for every schedule an election can have: both times, only an opening
 * time, only a closing time, neither. The invitation and reminders go out while voting is open, so
 * they state the closing time when there is one and say plainly that the officer closes voting when
 * there is none; the opening time is never announced (an officer may open before it).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { notificationText } from './election-notifier.js';

const base = { id: '6f1c2a4e-0000-4000-8000-000000000001', title: 'Hall council', timeZone: 'Africa/Lagos' };
const url = 'https://vote.example.edu/';
const link = `https://vote.example.edu/elections/${base.id}`;
const OPENS = new Date('2026-04-01T07:00:00Z');
const CLOSES = new Date('2026-04-05T16:30:00Z');
const NO_CLOSE =
  'No closing time is set: the election officer closes voting by hand, so do not wait until the last moment.';
const CLOSE_LINE = 'Voting closes on Sunday 5 April 2026 at 17:30 (Africa/Lagos).';

const schedules = [
  { name: 'opening and closing times', opensAt: OPENS, closesAt: CLOSES },
  { name: 'a closing time only', opensAt: null, closesAt: CLOSES },
  { name: 'an opening time only', opensAt: OPENS, closesAt: null },
  { name: 'no times at all', opensAt: null, closesAt: null },
];

describe('election mail text', () => {
  for (const s of schedules) {
    test(`invitation and reminder with ${s.name}`, () => {
      const e = { ...base, opensAt: s.opensAt, closesAt: s.closesAt };
      const closing = s.closesAt ? CLOSE_LINE : NO_CLOSE;
      const invitation = notificationText('invitation', e, 'Ada Obi', url);
      assert.equal(invitation.subject, 'You are invited to vote: Hall council');
      assert.equal(
        invitation.text,
        `Dear Ada Obi,\n\nYou are on the voter roll of "Hall council" and voting is open now.\n${closing}\n\n` +
          `Vote here: ${link}\n\nYour ballot is encrypted in your browser; nobody, including the election officers, can see how you voted.\n`,
      );
      const reminder = notificationText('reminder', e, 'Ada Obi', url);
      assert.equal(reminder.subject, 'Reminder: vote in Hall council');
      assert.equal(
        reminder.text,
        `Dear Ada Obi,\n\nYou have not voted yet in "Hall council", and voting is still open.\n${closing}\n\nVote here: ${link}\n`,
      );
      for (const text of [invitation.text, reminder.text]) {
        // the old fallback ("open until when the election officer opens it") and no wrong dates
        assert.doesNotMatch(text, /opens it|undefined|null|Invalid Date/);
        assert.doesNotMatch(text, /1 April/, 'the opening time is not announced');
      }
    });
  }

  test('the closing time is shown in the election time zone', () => {
    const e = { ...base, timeZone: 'Europe/London', opensAt: null, closesAt: CLOSES };
    assert.match(
      notificationText('invitation', e, 'A', url).text,
      /Voting closes on Sunday 5 April 2026 at 17:30 \(Europe\/London\)\./,
    );
  });

  test('the results notice links to the results, with or without a schedule', () => {
    for (const s of schedules) {
      const r = notificationText('results', { ...base, ...s }, 'Ada Obi', url);
      assert.equal(r.subject, 'Results published: Hall council');
      assert.equal(
        r.text,
        `Dear Ada Obi,\n\nThe results of "Hall council" are published, together with the election record that anyone can verify.\n\nSee them here: ${link}/results\n`,
      );
    }
  });
});
