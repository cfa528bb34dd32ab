// One process of the fan-out row: holds `count` live notification streams of authority 211
// and notes when each notification arrives on each. Prints "ready" once every stream has
// its first byte; on a line on stdin, prints the arrivals as one JSON line and exits.
//
//   node bench/subscriber.mjs <base> <token> <count>
import http from 'node:http';
import { createInterface } from 'node:readline';

const [base, token, countText] = process.argv.slice(2);
const count = Number(countText);
/** Per stream: NHS number → when its notification arrived (ms, on the shared clock). */
const arrivals = [];
let connected = 0;
let failed = 0;

for (let i = 0; i < count; i++) {
  const seen = {};
  arrivals.push(seen);
  const request = http.get(
    `${base}/v1/authorities/211/notifications/stream`,
    { agent: false, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } },
    (response) => {
      if (response.statusCode !== 200) {
        failed++;
        response.resume();
        return;
      }
      response.setEncoding('utf8');
      let buffer = '';
      let first = true;
      response.on('data', (chunk) => {
        const at = performance.timeOrigin + performance.now();
        if (first) {
          first = false;
          if (++connected + failed === count) process.stdout.write(`ready ${failed}\n`);
        }
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!event.startsWith('event: notification')) continue;
          const data = event.split('\n').find((l) => l.startsWith('data: '));
          if (data !== undefined) seen[JSON.parse(data.slice(6)).nhsNumber] = at;
        }
      });
    },
  );
  request.on('error', () => {
    failed++;
    if (connected + failed === count) process.stdout.write(`ready ${failed}\n`);
  });
}

createInterface({ input: process.stdin }).once('line', () => {
  process.stdout.write(`${JSON.stringify({ arrivals, failed })}\n`, () => process.exit(0));
});
