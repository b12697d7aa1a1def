/** For the traced ingress (f): an OTLP/HTTP endpoint that reads each export and answers 200. */
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
