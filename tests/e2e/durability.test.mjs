// Durability (SPEC §12): a 2xx write survives kill -9 right after it is answered,
// and data survives a clean restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWithToken, startServer, api } from './lib/harness.mjs';

test('writes answered 2xx survive kill -9', async () => {
  const s = await startWithToken();
  const created = [];
  for (let i = 0; i < 20; i++) {
    const r = await api(s, 'POST', 'services', { body: { name: `S${i}` } });
    assert.equal(r.status, 201);
    created.push(r.json.service.id);
  }
  // Fire status updates and kill the server the moment the last one is answered.
  const last = await api(s, 'PUT', `service/put/${created[19]}/major/`);
  assert.equal(last.status, 200);
  await s.kill9();

  const again = await startServer({ dataDir: s.dataDir });
  again.token = s.token;
  const l = await api(again, 'GET', 'service/services/list');
  assert.equal(l.status, 200);
  assert.deepEqual(l.json.services.map((x) => x.id), created);
  assert.equal(l.json.services[19].status, 'major_outage');
  await again.stop();
  again.cleanup();
});

test('concurrent writes all survive kill -9', async () => {
  const s = await startWithToken({ threads: 2 });
  const svc = (await api(s, 'POST', 'services', { body: { name: 'Hot' } })).json.service;
  const statuses = ['major', 'operational'];
  const acked = [];
  await Promise.all(Array.from({ length: 40 }, async (_, i) => {
    const r = await api(s, 'PUT', `service/put/${svc.id}/${statuses[i % 2]}/`);
    if (r.status === 200) acked.push(i);
  }));
  const names = await Promise.all(Array.from({ length: 20 }, (_, i) => api(s, 'POST', 'services', { body: { name: `C${i}` } })));
  await s.kill9();
  assert.equal(acked.length, 40);
  const again = await startServer({ dataDir: s.dataDir });
  again.token = s.token;
  const l = (await api(again, 'GET', 'services?limit=500')).json.services;
  for (const r of names) {
    assert.equal(r.status, 201);
    assert.ok(l.some((x) => x.id === r.json.service.id), `service ${r.json.service.id} survived`);
  }
  await again.stop();
  again.cleanup();
});

test('a clean restart keeps everything and does not re-create the default page', async () => {
  const s = await startWithToken();
  await api(s, 'POST', 'services', { body: { name: 'Persisted' } });
  assert.equal((await s.stop()).code, 0);
  const again = await startServer({ dataDir: s.dataDir });
  again.token = s.token;
  const l = (await api(again, 'GET', 'services')).json.services;
  assert.deepEqual(l.map((x) => x.name), ['Persisted']);
  await again.stop();
  again.cleanup();
});
