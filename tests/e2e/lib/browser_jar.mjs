// A browser over plain HTTP for the sign-in suites (oidc, visibility_sso): cookies per
// host and port, redirects followed by hand, and a page that reloads itself (a meta
// refresh: the SSO waiting pages) reloaded until it is something else. It reloads every
// REFRESH_MS, sooner than the page's one second: the waiting page only reads the sign-in's
// state, so a quicker reload changes nothing but how long a test waits for the answer.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const REFRESH_MS = 200;
const WAIT_MS = 80000; // how long a waiting page may go on reloading

// A browser: cookies per host and port, redirects followed by hand.
export function browser() {
  const jar = new Map();
  async function go(url) {
    const u = new URL(url);
    const c = jar.get(u.host) || new Map();
    const cookie = [...c].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(u, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const sc of res.headers.getSetCookie()) {
      const nv = sc.split(';')[0];
      const i = nv.indexOf('=');
      const name = nv.slice(0, i).trim(), value = nv.slice(i + 1).trim();
      if (!jar.has(u.host)) jar.set(u.host, new Map());
      if (value === '' || /max-age=0(;|$)/i.test(sc) || /expires=Thu, 01 Jan 1970/i.test(sc)) jar.get(u.host).delete(name);
      else jar.get(u.host).set(name, value);
    }
    return { status: res.status, location: res.headers.get('location'), text: await res.text(), url: u.href, headers: res.headers };
  }
  // Follows redirects and the waiting page until an answer that is neither. ON(hop) sees
  // each answer first; when it returns true, that answer is the last.
  async function follow(url, on = () => {}) {
    let r = await go(url);
    const end = Date.now() + WAIT_MS;
    for (let hops = 0; hops < 80;) {
      if (on(r) === true) return r;
      if (r.status >= 300 && r.status < 400 && r.location) {
        hops++;
        r = await go(new URL(r.location, r.url).href);
      } else if (r.status === 200 && /http-equiv="refresh"/.test(r.text)) {
        if (Date.now() > end) throw new Error(`${r.url} still waiting after ${WAIT_MS / 1000} s`);
        await sleep(REFRESH_MS);
        r = await go(r.url);
      } else return r;
    }
    throw new Error('too many hops');
  }
  return { go, follow, jar };
}

