// bench/smtp_sender — the reference for bench/30_fanout: how many messages a minimal SMTP
// sender gets the sink to accept per second on this machine, sending the way pharos does
// (notify/smtp_conn.c: CONNECTIONS connections kept open, one message per transaction,
// PIPELINING as RFC 2920 allows it: a message's content, its end-of-data dot and the next
// message's MAIL, RCPT and DATA leave in one write, so each message costs one round trip),
// so the fan-out's e-mail rate can be quoted as a share of what the sink itself can take.
//
//   node bench/smtp_sender.mjs PORT COUNT CONNECTIONS [MESSAGE_FILE]
//
// MESSAGE_FILE holds the message to send each time (bench/30_fanout passes one pharos sent
// in the same run, so the sink parses the same bytes from both); without it a short one.
//
// Prints {"messages": COUNT, "ms": elapsed} on stdout once the sink has answered 250 to
// the last message; exits 1 on any other reply.
import net from 'node:net';
import { readFileSync } from 'node:fs';

const [port, count, conns] = process.argv.slice(2, 5).map(Number);
const file = process.argv[5];
if (!port || !count || !conns) {
  console.error('usage: smtp_sender.mjs PORT COUNT CONNECTIONS [MESSAGE_FILE]');
  process.exit(2);
}
// the message as it goes on the wire: CRLF lines, dot-stuffed (RFC 5321 4.5.2), ending in CRLF
const wire = (text) => {
  const crlf = text.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
  return crlf.endsWith('\r\n') ? crlf.slice(0, -2) : crlf;
};
const body = file ? wire(readFileSync(file, 'utf8')) : [
  'From: status@bench.test', 'To: reference@bench.test', 'Subject: [Status] Investigating: Big fan-out',
  'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '',
  'Investigating errors on the API.', 'https://status.bench.test/incidents/1', '',
].join('\r\n');

let next = 0;
// One connection: replies are read line by line, each matched to the reply code the
// command it answers expects, in order.
function connection() {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    const waiting = [];
    sock.setEncoding('utf8');
    sock.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (line[3] === '-') continue; // a multi-line reply goes on
        const w = waiting.shift();
        if (w) w(line);
      }
    });
    sock.on('error', reject);
    const reply = (want) => new Promise((ok, bad) => waiting.push((line) => (line.startsWith(want) ? ok() : bad(new Error(`expected ${want}, got: ${line}`)))));
    const say = (cmd, want) => { sock.write(cmd + '\r\n'); return reply(want); };
    const envelope = (n) => `MAIL FROM:<status@bench.test>\r\nRCPT TO:<reference${n}@bench.test>\r\nDATA\r\n`;
    const replies = (...want) => Promise.all(want.map(reply));
    (async () => {
      await reply('220');
      await say('EHLO reference.bench.test', '250');
      if (next < count) {
        sock.write(envelope(next++));
        await replies('250', '250', '354');
        for (;;) {
          const more = next < count;
          sock.write(body + '\r\n.\r\n' + (more ? envelope(next++) : ''));
          if (!more) break;
          await replies('250', '250', '250', '354');
        }
        await reply('250');
      }
      await say('QUIT', '221');
      sock.end();
    })().then(resolve, reject);
  });
}

const t0 = process.hrtime.bigint();
try {
  await Promise.all(Array.from({ length: conns }, connection));
} catch (e) {
  console.error(`smtp_sender: ${e.message}`);
  process.exit(1);
}
console.log(JSON.stringify({ messages: count, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
