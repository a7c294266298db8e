// `node scripts/stun-probe.mjs <host> <port> [timeoutMs]`: exits 0 once a STUN server on host:port answers
// a Binding Request, 1 when none answers in time (default 10 s). startCoturn runs it through the
// caller's spawn hook, i.e. inside the namespace coturn runs in, where the test process cannot
// reach coturn itself. Plain JavaScript without imports so that plain `node` runs it from src and
// dist alike; same protocol as waitForStun in src/stun.ts.
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';

const [host = '127.0.0.1', portArg = '', timeoutArg = '10000'] = process.argv.slice(2);
const port = Number(portArg);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`stun-probe: bad port "${portArg}"`);
  process.exit(2);
}
const transactionId = randomBytes(12);
const request = Buffer.alloc(20);
request.writeUInt16BE(0x0001, 0); // Binding Request, no attributes
request.writeUInt32BE(0x2112a442, 4); // magic cookie
transactionId.copy(request, 8);

const socket = createSocket('udp4');
// Requests sent before the server binds are lost: re-send every 50 ms until the answer comes.
const probe = setInterval(() => socket.send(request, port, host), 50);
const timer = setTimeout(() => {
  console.error(`stun-probe: no STUN answer on ${host}:${port} within ${timeoutArg} ms`);
  process.exit(1);
}, Number(timeoutArg));
socket.on('message', (data) => {
  if (data.length < 20 || !data.subarray(8, 20).equals(transactionId)) return;
  clearInterval(probe);
  clearTimeout(timer);
  socket.close();
});
socket.on('error', (error) => {
  console.error(`stun-probe: ${error.message}`);
  process.exit(1);
});
socket.send(request, port, host);
