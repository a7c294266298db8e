// The NAT-matrix page server: runs inside the lab's public server namespace (`node page-server.js
// <ip> <port> <html file> <script file>`), serves the page at / and its script, and prints
// `listening` once bound. It serves those two files only, and exits when its parent closes stdin
// or the lab kills it.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { SCRIPT_PATH } from './page-bundle.js';

const [ip = '', port = '', htmlFile = '', scriptFile = ''] = process.argv.slice(2);
const html = readFileSync(htmlFile);
const script = readFileSync(scriptFile);

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET') res.writeHead(405).end();
  else if (path === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  else if (path === SCRIPT_PATH) {
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
  } else res.writeHead(404).end();
});
server.listen(Number(port), ip, () => console.log('listening'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
