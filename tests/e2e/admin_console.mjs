// Helpers for the admin console suites (tests/e2e/admin*.test.mjs): a signed-in
// "browser" over plain HTTP that keeps its cookie, finds the csrf_token in the
// pages it reads and posts forms the way the console's HTML does.
import assert from 'node:assert/strict';
import { request } from './lib/harness.mjs';

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

export function csrfOf(html) {
  const m = /name="csrf_token" value="([^"]+)"/.exec(html);
  return m ? m[1] : null;
}

export function encode(fields) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) {
    if (Array.isArray(v)) for (const x of v) p.append(k, String(x));
    else if (v !== undefined && v !== null) p.append(k, String(v));
  }
  return p.toString();
}

export class Console {
  constructor(server) { this.s = server; this.cookie = null; this.csrf = null; }

  async get(path, headers = {}) {
    const h = { ...headers };
    if (this.cookie) h.Cookie = this.cookie;
    const r = await request(this.s, 'GET', path, { headers: h });
    this.keep(r);
    const t = csrfOf(r.text || '');
    if (t && this.cookie) this.csrf = t;
    return r;
  }

  // Posts FIELDS; the session's csrf_token is added unless CSRF is given (null: none).
  async post(path, fields = {}, { csrf, headers = {} } = {}) {
    const h = { ...FORM, ...headers };
    if (this.cookie) h.Cookie = this.cookie;
    const token = csrf === undefined ? this.csrf : csrf;
    const body = encode(token === null ? fields : { csrf_token: token, ...fields });
    const r = await request(this.s, 'POST', path, { body, headers: h });
    this.keep(r);
    return r;
  }

  keep(r) {
    for (const c of r.headers['set-cookie'] || []) {
      const m = /^pharos_session=([^;]*)/.exec(c);
      if (m) { this.cookie = m[1] ? `pharos_session=${m[1]}` : null; this.setCookie = c; }
    }
  }

  // Posts a pre-session form (setup, login, invitation) with the token of its page.
  async door(path, fields) {
    const page = await request(this.s, 'GET', path);
    const token = csrfOf(page.text);
    assert.ok(token, `${path} has a csrf_token`);
    return this.post(path, fields, { csrf: token });
  }

  async setup(email, password, name = 'Owner') {
    const r = await this.door('/admin/setup', { email, password, name });
    assert.equal(r.status, 303, r.text);
    await this.get('/admin');
    return r;
  }

  async login(email, password) {
    const r = await this.door('/admin/login', { email, password });
    if (r.status === 303) await this.get('/admin');
    return r;
  }
}

// The id in a 303 Location like /admin/incidents/7?notice=created.
export function idFrom(r) {
  const m = /\/(\d+)(\?|$)/.exec(r.headers.location || '');
  return m ? Number(m[1]) : null;
}
