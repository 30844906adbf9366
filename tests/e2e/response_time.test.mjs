// The public page's response-time charts and monitor-based uptime (SPEC §14): a service
// with "show_response_time" shows two server-rendered SVG charts of its monitors' latency
// (the last 24 hours, the last 90 days), each valid XML (xmllint) with a title and a text
// summary of its figures, readable without JavaScript; the uptime bars of a monitored
// service count its failed checks; turning the setting off removes the charts. In
// Chromium the charts render at phone and desktop widths, light and dark, without a
// console error. The figures are seeded as the prober leaves them (lib/monitor_data.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { api, dbSql, request, startWithToken } from './lib/harness.mjs';
import { stopClean } from './lib/admin.mjs';
import { xmllint } from './lib/xml.mjs';
import { seedLatency, SEED } from './lib/monitor_data.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let s, svc, other, mon;

before(async () => {
  s = await startWithToken();
  svc = (await api(s, 'POST', 'services', { body: { name: 'API' } })).json.service.id;
  other = (await api(s, 'POST', 'services', { body: { name: 'Website' } })).json.service.id;
  const r = await api(s, 'POST', 'monitors', { body: { service_id: svc, kind: 'http',
    target: 'https://api.example.test/health', interval_s: 3600, enabled: false } });
  assert.equal(r.status, 201, r.text);
  mon = r.json.monitor.id;
  seedLatency(s, mon);
  // the service has existed for 100 days (its history), as its monitor's figures have
  dbSql(s, `UPDATE service_status_log SET started_at = started_at - 100 * 86400 WHERE service_id = ${svc}`);
});
after(async () => { if (s) await stopClean(s); });

// The SVG elements of HTML, each as a standalone document.
const svgs = (html) => [...html.matchAll(/<svg[^>]*class="chart"[\s\S]*?<\/svg>/g)].map((m) => m[0]);
const decode = (t) => t.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

test('a service that shows its response time has a 24-hour and a 90-day chart with text summaries', async () => {
  const off = await request(s, 'GET', '/');
  assert.doesNotMatch(off.text, /h-response/, 'no chart before the setting is on');
  const p = await api(s, 'PATCH', `services/${svc}`, { body: { show_response_time: true } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.service.show_response_time, true);
  const bad = await api(s, 'PATCH', `services/${svc}`, { body: { show_response_time: 'yes' } });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /show_response_time/);

  const page = await request(s, 'GET', '/');
  assert.equal(page.status, 200);
  assert.match(page.text, /<h2 id="h-response">Response time<\/h2>/);
  const charts = svgs(page.text);
  assert.equal(charts.length, 2, 'one service, two charts');
  for (const svg of charts) {
    const lint = xmllint(svg, ['--noout']);
    assert.equal(lint.status, 0, `not well-formed XML: ${lint.stderr}\n${svg.slice(0, 400)}`);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /role="img"/);
    assert.doesNotMatch(svg, /<script|style=/, 'no script, no inline style (the CSP)');
    assert.ok(/<polyline class="c-p50" points="[\d., ]+"\/>/.test(svg), 'a median line');
    assert.ok(/<polyline class="c-p95" points="[\d., ]+"\/>/.test(svg), 'a 95th-percentile line');
  }
  const [day, quarter] = charts;
  assert.match(day, new RegExp(`<title id="rt-${svc}-day-t">Response time, last 24 hours</title>`));
  assert.match(day, new RegExp(`aria-labelledby="rt-${svc}-day-t"`));
  // 1,440 minutes of 6 checks, one minute all failed; p50 100–159 ms; p95 300–419 ms
  const daySummary = decode(/<desc id="[^"]+">([^<]+)<\/desc>/.exec(day)[1]);
  assert.match(daySummary, /^Median 1[0-5]\d ms, 95th percentile [34]\d\d ms over the last 24 hours; 8,640 checks, 99\.93% succeeded\.$/);
  assert.ok(page.text.includes(`<figcaption>${daySummary}</figcaption>`), 'the summary is on the page as text');
  const points = /<polyline class="c-p50" points="([^"]+)"/.exec(day)[1].split(' ');
  assert.ok(points.length >= 95 && points.length <= 97, `96 buckets of 15 minutes, got ${points.length}`);
  assert.match(quarter, /<title id="[^"]+">Response time, last 90 days<\/title>/);
  const qSummary = decode(/<desc id="[^"]+">([^<]+)<\/desc>/.exec(quarter)[1]);
  assert.match(qSummary, /^Median 1\d\d ms, 95th percentile [34]\d\d ms over the last 90 days; [\d,]+ checks, 99\.\d\d% succeeded\.$/);
  // the scale is labelled under 1 s, with round figures
  assert.match(day, /<text class="c-label"[^>]*>500 ms<\/text>/);

  // the bars count failed checks: the day with a tenth of them failed shows 90.00%
  const bars = /data-service-id="(\d+)"[\s\S]*?<ol class="bars"[^>]*>([\s\S]*?)<\/ol>/.exec(page.text);
  assert.equal(Number(bars[1]), svc);
  const titles = [...bars[2].matchAll(/title="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(titles.length, 90);
  assert.match(titles[89 - SEED.badDay], /90\.00% uptime$/);
  // the other service has neither charts nor monitor figures
  assert.doesNotMatch(page.text, new RegExp(`rt-${other}-`));

  // in another language (SPEC §16): titles, summaries, figures and ticks in its words
  assert.equal((await api(s, 'PATCH', 'page', { body: { languages: ['en', 'de'] } })).status, 200);
  try {
    const [deDay, deQuarter] = svgs((await request(s, 'GET', '/?lang=de')).text);
    assert.match(deDay, /<title id="[^"]+">Antwortzeit, letzte 24 Stunden<\/title>/);
    assert.match(decode(/<desc id="[^"]+">([^<]+)<\/desc>/.exec(deDay)[1]),
      /^Median 1[0-5]\d ms, 95\. Perzentil [34]\d\d ms in den letzten 24 Stunden; 8\.640 Prüfungen, 99,93 % erfolgreich\.$/);
    assert.match(deDay, />vor 24 Stunden<\/text>/);
    assert.match(deQuarter, />Heute<\/text>/);
    assert.equal(xmllint(deDay, ['--noout']).status, 0);
  } finally {
    assert.equal((await api(s, 'PATCH', 'page', { body: { languages: ['en'] } })).status, 200);
  }
});

test('the charts render in Chromium at phone and desktop widths, light and dark, without errors', async () => {
  await api(s, 'PATCH', `services/${svc}`, { body: { show_response_time: true } });
  const artifacts = path.join(root, 'test-artifacts');
  mkdirSync(artifacts, { recursive: true });
  const profile = mkdtempSync(path.join(tmpdir(), 'pharos-rt-chromium-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    for (const [name, width, scheme] of [['phone', 375, 'light'], ['phone-dark', 375, 'dark'], ['desktop', 1280, 'light'], ['desktop-dark', 1280, 'dark']]) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${s.url}/`, { waitUntil: 'load' });
      const boxes = await page.$$eval('svg.chart', (els) => els.map((el) => {
        const r = el.getBoundingClientRect();
        const line = el.querySelector('.c-p50');
        return { w: r.width, h: r.height, right: r.right, stroke: getComputedStyle(line).stroke, name: el.querySelector('title').textContent };
      }));
      assert.equal(boxes.length, 2, name);
      for (const b of boxes) {
        assert.ok(b.w > 200 && b.h > 50, `${name}: ${b.name} is ${b.w}×${b.h}`);
        assert.ok(b.right <= width, `${name}: ${b.name} overflows (${b.right} > ${width})`);
        assert.notEqual(b.stroke, 'none', `${name}: the line is drawn`);
      }
      await page.locator('section[aria-labelledby="h-response"]').screenshot({ path: path.join(artifacts, `response-time-${name}.png`) });
    }
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('turning the setting off removes the charts', async () => {
  await api(s, 'PATCH', `services/${svc}`, { body: { show_response_time: false } });
  const page = await request(s, 'GET', '/');
  assert.equal(svgs(page.text).length, 0);
  assert.doesNotMatch(page.text, /h-response/);
});
