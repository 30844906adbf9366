// bench/nodes_fresh.mjs — how soon a change acknowledged by one node is served by
// another (bench/60_nodes.sh; SPEC §13: within 200 ms). N times: PUT a status change on
// node A, then GET /api/v2/components.json from node B every 2 ms until it shows the
// change; the delay is from A's 200 to the first answer of B that has it. Prints
// "p50_ms p99_ms max_ms over_200" on stdout.
//
//   node bench/nodes_fresh.mjs URL_A URL_B SERVICE_ID N   (token: $FRESH_TOKEN)
import http from 'node:http';

const [a, b, sid, nArg] = process.argv.slice(2);
const n = Number(nArg);
const token = process.env.FRESH_TOKEN;
const agent = new http.Agent({ keepAlive: true });
function call(base, method, path) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, agent, headers: method === 'PUT' ? { 'Authorization-Token': token } : {} }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
const cycle = ['major_outage', 'operational', 'degraded_performance', 'partial_outage'];
const lags = [];
for (let i = 0; i < n; i++) {
  const st = cycle[i % cycle.length];
  const put = await call(a, 'PUT', `/admin/api/v1/service/put/${sid}/${st}/`);
  if (put.status !== 200) throw new Error(`PUT: ${put.status} ${put.body}`);
  const t0 = performance.now();
  for (;;) {
    const r = await call(b, 'GET', '/api/v2/components.json');
    const c = JSON.parse(r.body).components.find((x) => String(x.id) === String(sid));
    if (c && c.status === st) break;
    if (performance.now() - t0 > 5000) throw new Error(`change ${i} not served by B within 5 s`);
    await new Promise((res) => setTimeout(res, 2));
  }
  lags.push(performance.now() - t0);
}
lags.sort((x, y) => x - y);
const q = (p) => lags[Math.min(lags.length - 1, Math.ceil(p * lags.length) - 1)];
console.log(`${q(0.5).toFixed(1)} ${q(0.99).toFixed(1)} ${lags[lags.length - 1].toFixed(1)} ${lags.filter((x) => x > 200).length}`);
