// `node scripts/measure-start-memory.mjs`: the embedded default's memory at start. Runs the built
// gateway on a fresh data directory (first start: initdb, migrations), then again on the same
// directory (warm start); each time waits until /health answers, samples the gateway process's
// resident memory for a few seconds and stops it. Prints JSON, in MB: rssMb is the highest
// resident size once listening, peakMb the process's high-water mark since it started.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildIfStale, gatewayMain } from './build-if-stale.mjs';

const START_TIMEOUT_MS = 180_000;
const SAMPLE_MS = 5_000;
const SAMPLE_EVERY_MS = 250;

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

const healthy = (port) =>
  new Promise((resolve) => {
    const probe = request(
      { host: '127.0.0.1', port, path: '/health', rejectUnauthorized: false, timeout: 2000 },
      (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      },
    );
    probe.on('timeout', () => probe.destroy());
    probe.on('error', () => resolve(false));
    probe.end();
  });

function memoryMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)[1]);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function untilListening(gateway, port) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await healthy(port))) {
    if (gateway.exitCode !== null) throw new Error(`the gateway exited (${gateway.exitCode})`);
    if (Date.now() > deadline) throw new Error('the gateway did not answer /health in time');
    await sleep(SAMPLE_EVERY_MS);
  }
}

async function measureStart(dataDir) {
  const port = await freePort();
  const gateway = spawn(process.execPath, [gatewayMain], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => gateway.once('exit', resolve));
  try {
    await untilListening(gateway, port);
    let rss = 0;
    for (let waited = 0; waited < SAMPLE_MS; waited += SAMPLE_EVERY_MS) {
      rss = Math.max(rss, memoryMb(gateway.pid).rss);
      await sleep(SAMPLE_EVERY_MS);
    }
    const peak = Math.max(rss, memoryMb(gateway.pid).peak);
    return { rssMb: Math.round(rss), peakMb: Math.round(peak) };
  } finally {
    gateway.kill('SIGTERM');
    await exited;
  }
}

buildIfStale();
const dataDir = mkdtempSync(join(tmpdir(), 'passerelle-memory-'));
try {
  const firstStart = await measureStart(dataDir);
  const warmStart = await measureStart(dataDir);
  console.log(JSON.stringify({ firstStart, warmStart }));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
