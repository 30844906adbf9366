// Every screen of pharos with something on it, for the suites that check them all
// (a11y_public_browser and a11y_console_browser: axe-core in Chromium, lib/a11y.mjs; html_valid: the W3C Nu checker): a server on the
// local fakes with two pages, services in a group and not, an open incident with Markdown
// updates, a resolved one with a postmortem, a draft (its badge and Publish button),
// maintenance in progress and scheduled (with its reminder), a confirmed e-mail subscriber
// and a bounced one, a template, an owner and a pending
// invitation, a monitor with results and 90 days of figures (the status page's
// response-time charts), an alert source, the door of a second page that asks for a
// password, and the e-mails all that sent.
//
//   const w = await startScreens();         // no console user yet: SETUP can be seen
//   const seen = await seedScreens(w);      // then everything else
//   seen.public, seen.doors, seen.console   // [{name, path, status}]
//   seen.owner                              // a Console signed in as the owner
//   seen.mails                              // {update, confirmation, invitation}: parsed mails
//   await stopScreens(w);
import { cli, tempDir, api, request } from './harness.mjs';
import { stopClean, dbSql } from './admin.mjs';
import { startWorld, stopWorld, subscribeEmail, linkIn } from './notify.mjs';
import { Console } from '../admin_console.mjs';
import { seedLatency } from './monitor_data.mjs';

// The console's first-run screen: only while no user exists.
export const SETUP = { name: 'setup', path: '/admin/setup', status: 200 };

// The second page's host: a password page, whose door is one of the public screens (the
// browser resolves it to the server: lib/a11y.mjs's --host-resolver-rules).
export const PRIVATE_HOST = 'eu.example.test';

export async function startScreens() {
  const dataDir = tempDir();
  const r = cli(['page', 'add', '--slug', 'eu', '--title', 'EU status', '--host', PRIVATE_HOST], { dataDir });
  if (r.code !== 0) throw new Error('page add: ' + r.stderr);
  const t = cli(['token', 'create', '--name', 'screens', '--page', 'eu'], { dataDir });
  if (t.code !== 0) throw new Error('token create: ' + t.stderr);
  const w = await startWorld({ dataDir, privateTargets: false });
  w.euToken = t.stdout.trim();
  return w;
}

export async function stopScreens(w) {
  await stopClean(w.s);
  await stopWorld(w);
}

async function ok(p, what) {
  const r = await p;
  if (r.status !== 200 && r.status !== 201) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 400)}`);
  return r.json;
}

const iso = (ms) => new Date(Date.now() + ms).toISOString().replace(/\.\d+Z$/, 'Z');

// Fills W's server (see the top of this file); returns what the suites visit.
export async function seedScreens(w) {
  const { s, smtp } = w;
  const post = (route, body) => ok(api(s, 'POST', route, { body }), `POST ${route}`);
  const owner = new Console(s);
  await owner.setup('owner@example.test', 'owner-password', 'Olive Owner');
  await ok(api(s, 'PATCH', 'page', { token: w.euToken, host: PRIVATE_HOST,
    body: { visibility: 'password', password: 'eu-page-password' } }), 'PATCH page (eu)');

  const group = (await post('groups', { name: 'Core platform', description: 'The parts everything else runs on' })).group.id;
  const web = (await post('services', { name: 'Website', description: 'www and the dashboard' })).service.id;
  const apiSvc = (await post('services', { name: 'API', group_id: group, description: 'Public REST API' })).service.id;
  await post('services', { name: 'Database', group_id: group });
  const template = (await post('templates', { kind: 'incident', name: 'API errors', title: 'Elevated API error rates',
    message: 'We are investigating **elevated error rates**.' })).template.id;

  // A subscriber first, so that the incident below sends an update e-mail.
  const prefs = await subscribeEmail(w, 'reader@example.test');
  const token = prefs.replace('/subscription/', '');
  // One whose mail bounced (its preferences page says so; the console shows the badge).
  const bouncedPrefs = await subscribeEmail(w, 'gone@example.test');
  dbSql(s, "UPDATE subscribers SET state = 'bounced', bounces = 3 WHERE address = 'gone@example.test'");

  const resolved = (await post('incidents', { title: 'Slow dashboard', message: 'Pages load slowly.', notify: false,
    services: [{ id: web, status: 'degraded_performance' }] })).incident.id;
  await post(`incidents/${resolved}/updates`, { stage: 'resolved', message: 'Fixed.', notify: false });
  await ok(api(s, 'PATCH', `incidents/${resolved}`, { body: { postmortem:
    '## What happened\n\nA cache node ran out of memory.\n\n## What changes\n\n- Alerts on memory\n- A second node' } }), 'PATCH postmortem');
  const incident = (await post('incidents', { title: 'Elevated API error rates',
    message: 'Some requests fail with **502**. See [the runbook](https://example.com/runbook).\n\n- EU region\n- US region\n\n`GET /v1/items` is affected.',
    services: [{ id: apiSvc, status: 'partial_outage' }] })).incident.id;
  await post(`incidents/${incident}/updates`, { stage: 'identified', message: 'A bad deploy; rolling back.', notify: false });
  const draft = (await post('incidents', { title: 'Possible login delays', draft: true,
    message: 'Checking the **login** latency before saying anything.', services: [web] })).incident.id;
  const maintenance = (await post('maintenance', { title: 'Database upgrade', message: 'The database moves to **new hardware**.',
    scheduled_start: iso(86400e3), scheduled_end: iso(93600e3), services: [web], notify: false })).maintenance.id;
  await post('maintenance', { title: 'Network work', message: 'Replacing a switch.', stage: 'in_progress',
    scheduled_start: iso(-600e3), scheduled_end: iso(3600e3), services: [web], notify: false });
  // its reminder, as the scheduler records a quiet one (the console's timeline shows "Reminder")
  const at = Math.floor(Date.now() / 1000);
  dbSql(s, `INSERT INTO event_updates (event_id, kind, stage, message, notify, created_at) VALUES (${maintenance},
    'reminder', 'scheduled', 'This maintenance starts in 1 day.', 0, ${at});
    UPDATE events SET reminded_at = ${at} WHERE id = ${maintenance};`);

  // A monitor with a few checks behind it (its sparkline), and an alert source.
  const monitor = (await post('monitors', { service_id: apiSvc, name: 'API health', kind: 'http',
    target: 'https://api.example.test/health', interval_s: 3600, enabled: false })).monitor.id;
  for (const [ok, ms] of [[1, 120], [1, 95], [0, 5000], [1, 101]])
    dbSql(s, `INSERT INTO monitor_results (monitor_id, checked_at, ok, latency_ms, error)
      VALUES (${monitor}, ${Math.floor(Date.now() / 1000)}, ${ok}, ${ms}, ${ok ? 'NULL' : "'timed out'"})`);
  await post('alert-sources', { kind: 'alertmanager', name: 'Production' });
  // 90 days of its figures, and the API's response-time charts on the status page
  seedLatency(s, monitor);
  await ok(api(s, 'PATCH', `services/${apiSvc}`, { body: { show_response_time: true } }), 'PATCH service');
  // several languages (SPEC §16): the switcher on every public page, and pages in each
  await ok(api(s, 'PATCH', 'page', { body: { languages: ['en', 'de', 'fr', 'es', 'pt-BR', 'ja'] } }), 'PATCH page languages');

  const inv = await owner.post('/admin/team/invite', { email: 'editor@example.test', role: 'editor' });
  if (inv.status !== 303) throw new Error(`invite: ${inv.status} ${inv.text.slice(0, 400)}`);
  const mails = await smtp.waitFor((m) => ['Confirm your subscription', 'invited', 'Investigating']
    .every((k) => m.some((x) => x.headers.subject.includes(k))), 20000, 'the three e-mails');
  const mail = (k) => mails.find((x) => x.headers.subject.includes(k));
  const invite = linkIn(mail('invited').text, /http:\/\/\S+\/admin\/invite\/inv_\S+/);

  return {
    owner,
    mails: { update: mail('Investigating'), confirmation: mail('Confirm your subscription'), invitation: mail('invited') },
    public: [
      { name: 'status', path: '/' },
      { name: 'history', path: '/history' },
      { name: 'incident', path: `/incidents/${incident}` },
      { name: 'incident-postmortem', path: `/incidents/${resolved}` },
      { name: 'maintenance', path: `/maintenance/${maintenance}` },
      { name: 'subscribe', path: '/subscribe' },
      { name: 'subscription', path: prefs },
      { name: 'subscription-bounced', path: bouncedPrefs },
      { name: 'unsubscribe', path: `/unsubscribe/${token}` },
      { name: 'subscription-deleted', path: '/subscribe/deleted' },
      { name: 'not-found', path: '/no/such/page', status: 404 },
      { name: 'status-de', path: '/?lang=de' },
      { name: 'status-ja', path: '/?lang=ja' },
      { name: 'incident-fr', path: `/incidents/${incident}?lang=fr` },
      { name: 'history-pt-BR', path: '/history?lang=pt-BR' },
      { name: 'subscribe-es', path: '/subscribe?lang=es' },
      { name: 'private-door', path: '/', host: PRIVATE_HOST, status: 401 },
    ].map((x) => ({ status: 200, ...x })),
    // Screens seen signed out.
    doors: [
      { name: 'login', path: '/admin/login', status: 200 },
      { name: 'invite', path: invite, status: 200 },
    ],
    console: [
      { name: 'dashboard', path: '/admin' },
      { name: 'services', path: '/admin/services' },
      { name: 'service-edit', path: `/admin/services/${apiSvc}` },
      { name: 'group-edit', path: `/admin/groups/${group}` },
      { name: 'incidents', path: '/admin/incidents' },
      { name: 'incident-new', path: '/admin/incidents/new' },
      { name: 'incident', path: `/admin/incidents/${incident}` },
      { name: 'incident-resolved', path: `/admin/incidents/${resolved}` },
      { name: 'incident-draft', path: `/admin/incidents/${draft}` },
      { name: 'maintenance-list', path: '/admin/maintenance' },
      { name: 'maintenance-new', path: '/admin/maintenance/new' },
      { name: 'maintenance', path: `/admin/maintenance/${maintenance}` },
      { name: 'templates', path: '/admin/templates' },
      { name: 'template-edit', path: `/admin/templates/${template}` },
      { name: 'subscribers', path: '/admin/subscribers' },
      { name: 'subscribers-bounced', path: '/admin/subscribers?state=bounced' },
      { name: 'team', path: '/admin/team' },
      { name: 'integrations', path: '/admin/integrations' },
      { name: 'settings', path: '/admin/settings' },
      { name: 'tokens', path: '/admin/tokens' },
      { name: 'monitors', path: '/admin/monitors' },
      { name: 'monitor-edit', path: `/admin/monitors/${monitor}` },
      { name: 'account', path: '/admin/account' },
      { name: 'deliveries', path: '/admin/deliveries' },
      { name: 'not-found', path: '/admin/incidents/999999', status: 404 },
    ].map((x) => ({ status: 200, ...x })),
  };
}

// GET PATH (on the screen's host, if any) as CON (a Console) or signed out; checks the
// status and returns the HTML.
export async function html(s, screen, con = null) {
  const r = con ? await con.get(screen.path) : await request(s, 'GET', screen.path, { host: screen.host });
  if (r.status !== screen.status) throw new Error(`${screen.name} ${screen.path}: ${r.status}, wanted ${screen.status}`);
  if (!/^text\/html/.test(r.headers['content-type'] || '')) throw new Error(`${screen.name}: ${r.headers['content-type']}`);
  return r.text;
}
