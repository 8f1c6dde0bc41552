// The container image's HEALTHCHECK: GET /health of this gateway over HTTPS (no client certificate
// needed), healthy on 200 — 503 when its database does not answer. It asks its own process over
// loopback, where the server certificate (issued for the public name) cannot be checked.
import { request } from 'node:https';

const probe = request(
  {
    host: '127.0.0.1',
    port: Number(process.env.PORT ?? 8443),
    path: '/health',
    rejectUnauthorized: false,
    timeout: 4000,
  },
  (response) => {
    response.resume();
    process.exit(response.statusCode === 200 ? 0 : 1);
  },
);
probe.on('timeout', () => probe.destroy(new Error('no answer within 4 s')));
probe.on('error', (error) => {
  console.error(`unhealthy: ${error.message}`);
  process.exit(1);
});
probe.end();
