// A real SMTP server (the smtp-server package) on 127.0.0.1 that keeps every message it
// accepts, parsed enough for the tests: headers (unfolded, RFC 2047 subjects decoded)
// and the text and HTML parts (base64 or plain). stop()/start() close and reopen the
// same port, for "the SMTP server is down" faults; rejectRcpt(fn) refuses recipients
// with a 550 (a permanent error) when fn says true, or with the code it returns (451…);
// rejectData(fn) refuses the message itself at the end of data with a 554 (content refused,
// not the address) when fn says true of its recipient; `refusals` counts each refusal by
// recipient, so a test sees who was still tried;
// DELAYMS slows each acceptance (a busy server). stop() gives the connections still open
// (pharos keeps idle ones in its pool) a second to finish, then closes them with a 421,
// as a server shutting down does (smtp-server's own grace is 30 s).
// It offers no TLS unless given TLS ({key, cert}: PEM): then STARTTLS, or with
// TLS.implicit TLS from the first byte (smtps://); each message records whether it came
// over TLS (`secure`). With AUTH ({user, pass}) it offers AUTH PLAIN and LOGIN (in clear
// when there is no TLS, as a relay without TLS would), requires it before MAIL FROM, and
// records every attempt in `auths` ({method, username, password, tls}).
import { SMTPServer } from 'smtp-server';

function decodeWords(v) {
  return v.replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/gi, (_, b) => Buffer.from(b, 'base64').toString('utf8'));
}

export function parseMail(raw) {
  const sep = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, sep).replace(/\r\n[ \t]+/g, ' ');
  const headers = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    const k = line.slice(0, i).toLowerCase();
    headers[k] = (headers[k] !== undefined ? headers[k] + '\n' : '') + line.slice(i + 1).trim();
  }
  headers.subject = decodeWords(headers.subject || '');
  const body = raw.slice(sep + 4);
  const parts = {};
  const m = /boundary="([^"]+)"/.exec(headers['content-type'] || '');
  if (m) {
    for (const chunk of body.split('--' + m[1]).slice(1, -1)) {
      const s = chunk.indexOf('\r\n\r\n');
      const ph = chunk.slice(0, s).toLowerCase();
      let content = chunk.slice(s + 4);
      if (/base64/.test(ph)) content = Buffer.from(content.replace(/\s+/g, ''), 'base64').toString('utf8');
      parts[/text\/html/.test(ph) ? 'html' : 'text'] = content;
    }
  }
  return { headers, text: parts.text || '', html: parts.html || '', raw };
}

export async function startSmtp({ port = 0, delayMs = 0, auth = null, tls = null } = {}) {
  const sink = {
    messages: [],
    auths: [],
    connections: 0,
    port,
    reject: null,
    dataReject: null,
    refusals: {},
    rejectRcpt(fn) { this.reject = fn; },
    rejectData(fn) { this.dataReject = fn; },
    byRecipient(addr) { return this.messages.filter((x) => x.to.includes(addr)); },
    async waitFor(pred, timeoutMs = 20000, what = 'messages') {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        if (pred(this.messages)) return this.messages;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`timed out waiting for ${what}; have ${this.messages.length}`);
    },
  };
  const make = () => new SMTPServer({
    disabledCommands: [...(tls ? [] : ['STARTTLS']), ...(auth ? [] : ['AUTH'])],
    ...(tls ? { key: tls.key, cert: tls.cert, secure: !!tls.implicit } : {}),
    disableReverseLookup: true,
    authOptional: !auth,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    onAuth(a, session, cb) {
      sink.auths.push({ method: a.method, username: a.username, password: a.password, tls: !!session.secure });
      if (a.username === auth.user && a.password === auth.pass) return cb(null, { user: a.username });
      const err = new Error('authentication failed');
      err.responseCode = 535;
      return cb(err);
    },
    logger: false,
    closeTimeout: 1000,
    size: 10 << 20,
    onConnect(session, cb) { sink.connections++; cb(); },
    onRcptTo(addr, session, cb) {
      const refuse = sink.reject && sink.reject(addr.address);
      if (refuse) { // true: 550; a number: that reply code
        sink.refusals[addr.address] = (sink.refusals[addr.address] || 0) + 1;
        const err = new Error(refuse === true ? 'mailbox unavailable' : 'try again later');
        err.responseCode = refuse === true ? 550 : refuse;
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        const msg = parseMail(Buffer.concat(chunks).toString('utf8'));
        msg.to = session.envelope.rcptTo.map((r) => r.address);
        msg.from = session.envelope.mailFrom.address;
        msg.secure = !!session.secure;
        msg.at = Date.now();
        if (sink.dataReject && msg.to.some((a) => sink.dataReject(a))) {
          for (const a of msg.to) sink.refusals[a] = (sink.refusals[a] || 0) + 1;
          const err = new Error('message refused');
          err.responseCode = 554;
          return cb(err);
        }
        if (delayMs) setTimeout(() => { sink.messages.push(msg); cb(); }, delayMs);
        else { sink.messages.push(msg); cb(); }
      });
    },
  });
  let server;
  sink.start = () => new Promise((resolve, reject) => {
    server = make();
    server.on('error', () => {});
    server.listen(sink.port, '127.0.0.1', (err) => {
      if (err) return reject(err);
      sink.port = server.server.address().port;
      resolve();
    });
  });
  sink.stop = () => new Promise((resolve) => server.close(() => resolve()));
  await sink.start();
  sink.url = `${tls?.implicit ? 'smtps' : 'smtp'}://127.0.0.1:${sink.port}`;
  return sink;
}
