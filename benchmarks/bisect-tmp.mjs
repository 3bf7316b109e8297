import http from 'node:http';
import net from 'node:net';
import { AsyncLocalStorage } from 'node:async_hooks';
const mode = process.argv[2];
const als = new AsyncLocalStorage();
const orig = net.Server.prototype.emit;
if (mode !== 'bare') {
  net.Server.prototype.emit = function (event, ...args) {
    if (event !== 'request') return orig.call(this, event, ...args);
    const res = args[1];
    if (mode.includes('listen')) { res.once('finish', () => {}); res.once('close', () => {}); }
    if (mode.includes('als')) return als.run({}, () => orig.call(this, event, ...args));
    return orig.call(this, event, ...args);
  };
}
const server = http.createServer((req, res) => res.end('hello'));
server.listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
