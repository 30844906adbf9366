// bench/lighthouse_summary.mjs — the table rows of bench/50_lighthouse.sh from Lighthouse's
// JSON reports: per run label, the median of each category's score over the runs (and
// the lowest), the median lab metrics, the audits that lost points, and a check that
// every request the page made went to the server under test.
//
//   node bench/lighthouse_summary.mjs ORIGIN LABEL=report.json[,report.json…] …
//
// Prints rows (benchmark, run, req/s, p50 ms, p99 ms, errors, result) and "#" notes on
// stdout; exits 1 when a report is missing, has a runtime error or a category without a
// score, or shows a request to another origin.
import { readFileSync } from 'node:fs';

const [origin, ...groups] = process.argv.slice(2);
const categories = [['performance', 'performance'], ['accessibility', 'accessibility'],
  ['best-practices', 'best practices'], ['seo', 'SEO']];
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
let failed = false;
const fail = (msg) => { console.error(`[lighthouse] ${msg}`); failed = true; };

for (const group of groups) {
  const [label, files] = group.split('=');
  const reports = [];
  for (const f of files.split(',')) {
    try {
      reports.push(JSON.parse(readFileSync(f, 'utf8')));
    } catch (e) {
      fail(`${label}: no report ${f} (${e.message})`);
    }
  }
  if (reports.length === 0) continue;
  let foreign = 0;
  let requests = 0;
  const lost = new Map(); // audit id → { title, scores, category }
  for (const r of reports) {
    if (r.runtimeError) fail(`${label}: ${r.runtimeError.code}: ${r.runtimeError.message}`);
    for (const w of r.runWarnings || []) console.error(`[lighthouse] ${label}: warning: ${w}`);
    const items = r.audits['network-requests']?.details?.items || [];
    requests = Math.max(requests, items.length);
    for (const it of items) {
      if (!it.url.startsWith(origin + '/') && !/^(data|blob):/.test(it.url)) {
        foreign++;
        fail(`${label}: a request to another origin: ${it.url}`);
      }
    }
    for (const [id] of categories) {
      const c = r.categories[id];
      if (!c || typeof c.score !== 'number') { fail(`${label}: no ${id} score`); continue; }
      for (const ref of c.auditRefs) {
        const a = r.audits[ref.id];
        if (ref.weight > 0 && a && typeof a.score === 'number' && a.score < 1) {
          const e = lost.get(ref.id) || { title: a.title, value: a.displayValue || '', scores: [], category: id };
          e.scores.push(a.score);
          lost.set(ref.id, e);
        }
      }
    }
  }
  const scores = categories.map(([id, name]) => {
    const xs = reports.map((r) => r.categories[id]?.score).filter((x) => typeof x === 'number').map((x) => Math.round(x * 100));
    if (xs.length === 0) return `${name} -`;
    const lo = Math.min(...xs);
    return `${name} ${median(xs)}${lo < median(xs) ? ` (lowest ${lo})` : ''}`;
  });
  const metric = (id, unit) => {
    const xs = reports.map((r) => r.audits[id]?.numericValue).filter((x) => typeof x === 'number');
    if (xs.length === 0) return '-';
    const v = median(xs);
    return unit === 's' ? `${(v / 1000).toFixed(2)} s` : unit === 'ms' ? `${Math.round(v)} ms` : v.toFixed(3);
  };
  const s = reports[0].configSettings;
  const result = `${scores.join(', ')}; FCP ${metric('first-contentful-paint', 's')}, LCP ${metric('largest-contentful-paint', 's')},` +
    ` TBT ${metric('total-blocking-time', 'ms')}, CLS ${metric('cumulative-layout-shift')}; ${requests} requests, all to the server;` +
    ` medians of ${reports.length} runs`;
  const throttling = { simulate: 'simulated', devtools: 'devtools', provided: 'no' }[s.throttlingMethod] || s.throttlingMethod;
  console.log(['lighthouse', `${label} ${s.formFactor}, ${throttling} throttling`, '-', '-', '-', String(foreign), result].join('\t'));
  for (const [id, e] of lost) {
    console.log(`# lighthouse ${label} ${s.formFactor}: ${e.category} loses points on ${id} (${e.title}${e.value ? `: ${e.value}` : ''}),` +
      ` score ${e.scores.map((x) => Math.round(x * 100)).join('/')} in ${e.scores.length} of ${reports.length} runs`);
  }
}
process.exit(failed ? 1 : 0);
