import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateCredentials, initCore, parseCredential, systemRandom } from '@electra/core';
import { credentialLink, credentialMail } from './credentials.service.js';

await initCore();

const election = { id: '0b6f7e1c-3d2a-4c1e-9f00-5a1b2c3d4e5f', title: 'Guild 2026' };

describe('the managed credential mail', () => {
  test('carries the credential and the personal booth link, whose fragment holds it', () => {
    const [c] = generateCredentials(1, election.id, systemRandom);
    const secret = c!.secret;
    for (const publicUrl of ['https://vote.example.org', 'https://vote.example.org/']) {
      const mail = credentialMail('ada@uni.example', 'Ada Lovelace', election, secret, publicUrl);
      assert.equal(mail.to, 'ada@uni.example');
      assert.equal(mail.subject, 'Your voting credential for Guild 2026');
      const lines = mail.text.split('\n');
      // the credential alone on its line, to type or copy
      assert.ok(lines.includes(`    ${secret}`), mail.text);
      const link = credentialLink(publicUrl, election.id, secret);
      assert.equal(link, `https://vote.example.org/vote/${election.id}#credential=${secret}`);
      assert.ok(lines.includes(`    ${link}`), mail.text);
      assert.match(mail.text, new RegExp(`vote at https://vote\\.example\\.org/elections/${election.id} `));
      // the URL a browser requests (no fragment) does not contain the credential
      const url = new URL(link);
      assert.equal(url.origin + url.pathname + url.search, `https://vote.example.org/vote/${election.id}`);
      assert.doesNotMatch(url.origin + url.pathname + url.search, new RegExp(secret));
      // what the booth reads from the fragment is the credential, and it parses
      const fromFragment = decodeURIComponent(/(?:^#|&)credential=([^&]+)/.exec(url.hash)![1]!);
      assert.equal(fromFragment, secret);
      assert.ok(parseCredential(fromFragment).ok);
      // the credential appears only where it is meant to: alone and in the link
      assert.equal(mail.text.split(secret).length - 1, 2);
    }
  });

  test('a re-issued credential carries its own link too', () => {
    const [c] = generateCredentials(1, election.id, systemRandom);
    const mail = credentialMail(
      'ada@uni.example',
      'Ada',
      election,
      c!.secret,
      'https://vote.example.org',
      true,
    );
    assert.equal(mail.subject, 'Your new voting credential for Guild 2026');
    assert.match(mail.text, /no longer works/);
    assert.ok(mail.text.includes(`https://vote.example.org/vote/${election.id}#credential=${c!.secret}`));
  });
});
