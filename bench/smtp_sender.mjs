// bench/smtp_sender — the reference for bench/30_fanout: how many messages a minimal SMTP
// sender gets the sink to accept per second on this machine, sending the way pharos does
// (CONNECTIONS connections kept open, one message per transaction, each command waiting
// for its reply: no PIPELINING), so the fan-out's e-mail rate can be quoted as a share of
// what the sink itself can take.
//
//   node bench/smtp_sender.mjs PORT COUNT CONNECTIONS
//
// Prints {"messages": COUNT, "ms": elapsed} on stdout once the sink has answered 250 to
// the last message; exits 1 on any other reply.
import net from 'node:net';

const [port, count, conns] = process.argv.slice(2).map(Number);
if (!port || !count || !conns) {
  console.error('usage: smtp_sender.mjs PORT COUNT CONNECTIONS');
  process.exit(2);
}
const body = [
  'From: status@bench.test', 'To: reference@bench.test', 'Subject: [Status] Investigating: Big fan-out',
  'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '',
  'Investigating errors on the API.', 'https://status.bench.test/incidents/1', '',
].join('\r\n');

let next = 0;
// One connection: replies are read line by line; each step sends a command and waits for
// the reply code it expects.
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
    (async () => {
      await reply('220');
      await say('EHLO reference.bench.test', '250');
      while (next < count) {
        const n = next++;
        await say('MAIL FROM:<status@bench.test>', '250');
        await say(`RCPT TO:<reference${n}@bench.test>`, '250');
        await say('DATA', '354');
        await say(body + '\r\n.', '250');
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
