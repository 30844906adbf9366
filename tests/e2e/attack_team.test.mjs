// Replays of the team attacks found in the security review (issue 9, items 1 and 2):
// an admin of one page taking over an address's account (and so, later, another page),
// and the invitation form as an unthrottled password oracle. Real server, real SMTP
// server (smtp-server), real HTTP; each replay fails on the code before the fix.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cli, request } from './lib/harness.mjs';
import { startTwoPages, stopClean, dbSql } from './lib/admin.mjs';
import { Console } from './admin_console.mjs';
import { startSmtp } from './fakes/smtp.mjs';

const INVITE_LINK = /(http:\/\/\S+\/admin\/invite\/(inv_\S+))/;

describe('team attacks', () => {
  let s, smtp, owner, attacker;
  const addUser = (email, role, password, page) => {
    const args = ['user', 'add', '--email', email, '--role', role, ...(page ? ['--page', page] : [])];
    return cli(args, { dataDir: s.dataDir, input: password + '\n' });
  };
  const mailTo = async (addr) => {
    const got = await smtp.waitFor((m) => m.some((x) => x.to.includes(addr)), 20000, `mail to ${addr}`);
    return got.filter((x) => x.to.includes(addr)).at(-1);
  };

  before(async () => {
    smtp = await startSmtp();
    s = await startTwoPages({ env: { PHAROS_EMAIL_SMTP_URL: smtp.url } });
    owner = new Console(s);
    await owner.setup('owner@example.com', 'owner-password-1', 'Olive Owner');
    assert.equal(addUser('mallory@example.com', 'admin', 'mallory-password').code, 0);
    attacker = new Console(s);
    assert.equal((await attacker.login('mallory@example.com', 'mallory-password')).status, 303);
  });
  after(async () => { await stopClean(s); await smtp.stop(); });

  test('an admin who invites an address never gets the link, so cannot set its password', async () => {
    const r = await attacker.post('/admin/team/invite', { email: 'ceo@example.com', role: 'viewer' });
    assert.equal(r.status, 303, r.text);
    for (const page of [r, await attacker.get('/admin/team'), await attacker.get('/admin/deliveries')])
      assert.doesNotMatch(page.text || '', /inv_/, 'no response to the inviter carries the token');
    assert.doesNotMatch(dbSql(s, 'SELECT * FROM invitations; SELECT * FROM deliveries;'), /inv_/, 'nor does the database');

    const mail = await mailTo('ceo@example.com');
    const [, link, token] = INVITE_LINK.exec(mail.text);
    assert.match(mail.headers.subject, /\[Status\] You are invited to join the team/);
    assert.match(mail.html, new RegExp(token.replace(/[-]/g, '\\-')));
    // the attacker's guesses at the link (the id is small, the MAC is not)
    const id = /^inv_(\d+)-/.exec(token)[1];
    for (const guess of [`inv_${id}-`, `inv_${id}-AAAAAAAAAAAAAAAAAAAAAA`, `inv_${id}-${token.slice(-22, -1)}${token.endsWith('B') ? 'C' : 'B'}`])
      assert.equal((await request(s, 'GET', `/admin/invite/${guess}`)).status, 404, guess);

    // the operator later makes the address owner of the other page: a new account, the
    // operator's password, nobody else's
    assert.equal(addUser('ceo@example.com', 'owner', 'operators-choice', 'other').code, 0);
    const thief = new Console(s);
    assert.notEqual((await thief.login('ceo@example.com', 'mallory-password')).status, 303);

    // the real owner of the address follows the e-mailed link: it asks for that password
    const ceo = new Console(s);
    const path = new URL(link).pathname;
    const wrong = await ceo.door(path, { name: 'Mallory', password: 'mallory-chosen-1' });
    assert.equal(wrong.status, 400);
    assert.match(wrong.text, /this is not its password/);
    const joined = await ceo.door(path, { password: 'operators-choice' });
    assert.equal(joined.status, 303);
    const roles = dbSql(s, "SELECT p.slug || ':' || m.role FROM memberships m JOIN users u ON u.id = m.user_id JOIN pages p ON p.id = m.page_id WHERE u.email = 'ceo@example.com' ORDER BY p.slug");
    assert.deepEqual(roles.trim().split('\n'), ['default:viewer', 'other:owner']);
  });

  test('user add on an existing account refuses instead of keeping its password', async () => {
    // the invitee set a password from their own mailbox; the operator then adds a role
    await attacker.post('/admin/team/invite', { email: 'cfo@example.com', role: 'viewer' });
    const [, link] = INVITE_LINK.exec((await mailTo('cfo@example.com')).text);
    const cfo = new Console(s);
    assert.equal((await cfo.door(new URL(link).pathname, { name: 'Cfo', password: 'cfo-password-1' })).status, 303);
    const before = dbSql(s, "SELECT password_hash FROM users WHERE email = 'cfo@example.com'");
    const r = addUser('cfo@example.com', 'owner', 'operator-typed-this', 'other');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cfo@example.com exists: use --reset-password/);
    assert.equal(dbSql(s, "SELECT password_hash FROM users WHERE email = 'cfo@example.com'"), before);
    assert.equal(dbSql(s, "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = 'cfo@example.com'").trim(), '1');
  });

  test('accepting an invitation is throttled like sign-in and the page says nothing of accounts', async () => {
    // owner@example.com has an account; nobody@example.com has none
    assert.equal(addUser('admin-b@example.com', 'owner', 'admin-b-password', 'other').code, 0);
    // invitations of the other page, to an existing account and to a new address
    const ownerOfB = new Console(s);
    assert.equal((await ownerOfB.login('admin-b@example.com', 'admin-b-password')).status, 303);
    assert.equal((await ownerOfB.post('/admin/team/invite', { email: 'owner@example.com', role: 'admin' })).status, 303);
    assert.equal((await ownerOfB.post('/admin/team/invite', { email: 'nobody@example.com', role: 'admin' })).status, 303);
    const [, existing] = INVITE_LINK.exec((await mailTo('owner@example.com')).text);
    const [, fresh] = INVITE_LINK.exec((await mailTo('nobody@example.com')).text);
    const strip = (html) => html.replace(/owner@example.com|nobody@example.com/g, 'X').replace(/value="[^"]*"/g, '');
    const a = await request(s, 'GET', new URL(existing).pathname);
    const b = await request(s, 'GET', new URL(fresh).pathname);
    assert.equal(a.status, 200);
    assert.equal(strip(a.text), strip(b.text), 'the same page whether or not the account exists');

    const guesser = new Console(s);
    const path = new URL(existing).pathname;
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await guesser.door(path, { password: `guess-${i}-password` })).status);
    assert.deepEqual(statuses.slice(0, 5), [400, 400, 400, 400, 400]);
    assert.deepEqual(statuses.slice(5), [429, 429, 429], 'past 5 wrong passwords, every attempt waits');
    const right = await guesser.door(path, { password: 'owner-password-1' });
    assert.equal(right.status, 429, 'even the right password, so guessing gains nothing');
    assert.equal(guesser.cookie, null, 'and no session');
    assert.equal((await new Console(s).login('owner@example.com', 'owner-password-1')).status, 429, 'one budget with the sign-in form');
  });
});
