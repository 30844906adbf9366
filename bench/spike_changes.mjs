// bench/spike_changes.mjs — the status changes of bench/40_spike.sh: PUT
// /admin/api/v1/service/put/{id}/{status}/ at a fixed rate, open loop (change i leaves at
// start + i / rate whether or not the earlier ones have been answered, so a slow server
// gets more concurrent PUTs, not fewer), over keep-alive connections (one more only when
// all are busy). Services in turn, statuses in a cycle, from change number FIRST on, so
// that each PUT changes its service's status.
//
//   node bench/spike_changes.mjs BASE_URL RATE SECONDS FIRST ID...   (token: $SPIKE_TOKEN)
//
// Stops after SECONDS, or at SIGTERM: no new PUT, waits for those in flight (10 s at
// most each), then prints one line per PUT sent, "status ms" (status 0: no answer or a
// socket error), and exits.
import http from 'node:http';

const [base, rateArg, secondsArg, firstArg, ...ids] = process.argv.slice(2);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const first = Number(firstArg);
const token = process.env.SPIKE_TOKEN;
if (!base || !(rate > 0) || !(seconds > 0) || !(first >= 0) || ids.length === 0 || !token) {
  console.error('usage: SPIKE_TOKEN=… node bench/spike_changes.mjs BASE_URL RATE SECONDS FIRST ID...');
  process.exit(2);
}
const cycle = ['major_outage', 'operational', 'degraded_performance', 'operational'];
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
const results = [];
let inFlight = 0;
let stopped = false;
let timer = null;
const t0 = performance.now();

function put(k) {
  const id = ids[k % ids.length];
  const st = cycle[Math.floor(k / ids.length) % cycle.length];
  const slot = results.length;
  results.push([0, 0]);
  const start = performance.now();
  inFlight++;
  const done = (code) => {
    results[slot] = [code, performance.now() - start];
    inFlight--;
    if (stopped && inFlight === 0) finish();
  };
  const req = http.request(`${base}/admin/api/v1/service/put/${id}/${st}/`,
    { method: 'PUT', agent, headers: { 'Authorization-Token': token }, timeout: 10000 }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode));
      res.on('error', () => done(0));
    });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', () => done(0));
  req.end();
}

let sent = 0;
function tick() {
  const now = performance.now();
  if (now - t0 >= seconds * 1000) return stop();
  while (sent <= ((now - t0) * rate) / 1000) put(first + sent++);
  timer = setTimeout(tick, Math.max(1, t0 + (sent * 1000) / rate - performance.now()));
}

let finished = false;
function finish() {
  if (finished) return;
  finished = true;
  process.stdout.write(results.map(([c, ms]) => `${c} ${ms.toFixed(2)}\n`).join(''), () => process.exit(0));
}
function stop() {
  if (stopped) return;
  stopped = true;
  clearTimeout(timer);
  if (inFlight === 0) finish();
  setTimeout(finish, 11000);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
tick();
