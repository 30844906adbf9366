// The common part of the HTTP provider fakes: a server on 127.0.0.1 that reads the
// whole body and hands {method, url, headers, body} to a handler returning
// {status, headers, body}; every request is recorded with the time it arrived
// (RAW: the body's bytes, for fakes that check them as the provider does).
import http from 'node:http';

export async function startHttpFake(handler) {
  const fake = { requests: [] };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const r = { method: req.method, url: req.url, headers: req.headers, body: raw.toString('utf8'), raw, at: Date.now() };
      fake.requests.push(r);
      let out;
      try { out = await handler(r); } catch (e) { out = { status: 500, body: String(e.stack || e) }; }
      const body = typeof out.body === 'string' ? out.body : JSON.stringify(out.body ?? {});
      res.writeHead(out.status || 200, { 'Content-Type': out.type || 'application/json', ...(out.headers || {}) });
      res.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.port = server.address().port;
  fake.base = `http://127.0.0.1:${fake.port}`;
  fake.close = () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); });
  fake.waitFor = async (pred, timeoutMs = 20000, what = 'requests') => {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (pred()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  return fake;
}

export function basicAuth(headers) {
  const m = /^Basic (.+)$/.exec(headers.authorization || '');
  return m ? Buffer.from(m[1], 'base64').toString('utf8') : null;
}
