// The bench's load balancer: round-robin over the instances named on the command line,
// keep-alive to each, nothing else (no retries, no health checks). Streams pass through.
//
//   node bench/proxy.mjs <port> http://127.0.0.1:<a> http://127.0.0.1:<b> …
import http from 'node:http';

const [port, ...targets] = process.argv.slice(2);
const upstreams = targets.map((t) => new URL(t));
const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
let next = 0;

const server = http.createServer((request, response) => {
  const upstream = upstreams[next];
  next = (next + 1) % upstreams.length;
  const forwarded = http.request(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: request.method,
      path: request.url,
      headers: request.headers,
      agent,
    },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  forwarded.on('error', () => {
    if (!response.headersSent) response.writeHead(502);
    response.end();
  });
  // The client went away before the answer was whole (a stream closed): so does the request.
  response.on('close', () => {
    if (!response.writableFinished) forwarded.destroy();
  });
  request.pipe(forwarded);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  agent.destroy();
});
