// Preloaded (node --require) into a tool that must work offline: every attempt to
// resolve a name or open a connection is written to stderr as "no_network: …" and
// fails, so a test can tell "did not need the network" from "the network was there".
'use strict';
const net = require('node:net');
const tls = require('node:tls');
const dns = require('node:dns');
const http = require('node:http');
const https = require('node:https');

function refuse(what) {
  process.stderr.write(`no_network: ${what}\n`);
  throw new Error(`no network here (${what})`);
}
const describe = (a) => {
  try { return JSON.stringify(a.map((x) => (typeof x === 'object' && x ? { host: x.host || x.hostname, port: x.port, path: x.path } : x))); } catch { return '?'; }
};
net.Socket.prototype.connect = function connect(...a) { refuse(`connect ${describe(a)}`); };
for (const m of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny'])
  dns[m] = (...a) => refuse(`dns.${m} ${describe(a.filter((x) => typeof x !== 'function'))}`);
dns.promises.lookup = async (...a) => refuse(`dns.promises.lookup ${describe(a)}`);
tls.connect = (...a) => refuse(`tls.connect ${describe(a)}`);
for (const [name, mod] of [['http', http], ['https', https]])
  for (const m of ['request', 'get']) mod[m] = (...a) => refuse(`${name}.${m} ${describe(a.filter((x) => typeof x !== 'function'))}`);
globalThis.fetch = async (u) => refuse(`fetch ${String(u)}`);
