// A DNS server on 127.0.0.1 (UDP) that knows no name: every well-formed query (RFC 1035
// §4.1: a 12-byte header, one question) is answered NXDOMAIN (RCODE 3) with the question
// echoed, except for the names of SILENT, which get no answer at all (a resolver that does
// not answer); malformed ones are counted and dropped. The names asked are kept, so a test
// can tell that a lookup went here (and not to a resolver beyond this machine).
import dgram from 'node:dgram';

export async function startDns({ silent = [] } = {}) {
  const sock = dgram.createSocket('udp4');
  const fake = { asked: [], malformed: 0 };
  sock.on('message', (msg, rinfo) => {
    if (msg.length < 17 || (msg[2] & 0x80) || msg.readUInt16BE(4) !== 1) { fake.malformed++; return; }
    const labels = [];
    let i = 12;
    while (i < msg.length && msg[i] !== 0) {
      const n = msg[i];
      if (n > 63 || i + 1 + n > msg.length) { fake.malformed++; return; }
      labels.push(msg.subarray(i + 1, i + 1 + n).toString('ascii'));
      i += 1 + n;
    }
    const end = i + 5; // the root label, QTYPE, QCLASS
    if (end > msg.length) { fake.malformed++; return; }
    const name = labels.join('.').toLowerCase();
    fake.asked.push({ name, type: msg.readUInt16BE(i + 1) });
    if (silent.includes(name)) return;
    const reply = Buffer.alloc(end);
    msg.copy(reply, 0, 0, end);
    reply[2] = 0x80 | (msg[2] & 0x01); // QR, the query's RD
    reply[3] = 0x80 | 3; // RA, NXDOMAIN
    reply.writeUInt16BE(1, 4);
    reply.writeUInt16BE(0, 6);
    reply.writeUInt16BE(0, 8);
    reply.writeUInt16BE(0, 10);
    sock.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise((r) => sock.bind(0, '127.0.0.1', r));
  fake.address = `127.0.0.1:${sock.address().port}`;
  fake.close = () => new Promise((r) => sock.close(r));
  return fake;
}
