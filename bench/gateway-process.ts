import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';

export interface GatewayLaunch {
  readonly dataDir: string;
  readonly databaseUrl: string;
  readonly kekFile: string;
  readonly cpuProfDir?: string;
  /** Notifications written there as files (the patient's codes); the inherited channel if absent. */
  readonly outboxDir?: string;
  /** VALUE_SET_POLICY of the gateway; the gateway's default (strict) if absent. */
  readonly valueSetPolicy?: 'strict' | 'warn';
}

/** The gateway started by the bench, as a child process. */
export class GatewayProcess {
  private exited = false;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly mllpPort: number,
  ) {
    child.once('exit', () => (this.exited = true));
  }

  static async start(launch: GatewayLaunch): Promise<GatewayProcess> {
    const port = await freePort();
    const mllpPort = await freePort();
    const child = spawn(process.execPath, [...profilingFlags(launch), gatewayMain()], {
      env: {
        ...process.env,
        DATA_DIR: launch.dataDir,
        DATABASE_URL: launch.databaseUrl,
        KEK_FILE: launch.kekFile,
        PORT: String(port),
        MLLP_PORT: String(mllpPort),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        // Inherited TLS settings would replace the dev PKI whose certificates the bench uses.
        TLS_CERT: '',
        TLS_KEY: '',
        TRUSTED_CA: '',
        CRL_FILES: '',
        ...(launch.outboxDir ? { NOTIFY_CHANNEL: `file:${launch.outboxDir}` } : {}),
        ...(launch.valueSetPolicy ? { VALUE_SET_POLICY: launch.valueSetPolicy } : {}),
      },
      // The gateway's own output goes to our stderr: stdout carries only the JSON result.
      stdio: ['ignore', 2, 2],
    });
    return new GatewayProcess(child, port, mllpPort);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get origin(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return !this.exited && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Polls GET /health (no client certificate needed) until it answers 200. */
  async waitUntilHealthy(ca: Buffer, timeoutMs = 60_000): Promise<void> {
    const agent = new Agent({ connect: { ca } });
    const deadline = Date.now() + timeoutMs;
    try {
      while (Date.now() < deadline) {
        if (!this.running) throw new Error(`Gateway exited early (code ${this.child.exitCode})`);
        if (await answersHealthy(`${this.origin}/health`, agent)) return;
        await sleep(200);
      }
      throw new Error(`Gateway not healthy after ${timeoutMs} ms`);
    } finally {
      await agent.close();
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    const exited = new Promise<void>((done) => this.child.once('exit', () => done()));
    this.child.kill('SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), sleep(graceMs, false)]);
    if (!stopped) {
      this.child.kill('SIGKILL');
      await exited;
    }
  }

  /** Last resort from a synchronous `exit` handler. */
  killNow(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}

async function answersHealthy(url: string, dispatcher: Agent): Promise<boolean> {
  try {
    const response = await request(url, { dispatcher, signal: AbortSignal.timeout(2000) });
    await response.body.dump();
    return response.statusCode === 200;
  } catch {
    return false;
  }
}

/** The compiled gateway, beside this compiled file: dist/apps/gateway/{bench,apps/gateway/src}. */
function gatewayMain(): string {
  return resolve(__dirname, '../apps/gateway/src/main.js');
}

function profilingFlags(launch: GatewayLaunch): string[] {
  return launch.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', launch.cpuProfDir] : [];
}

/** A port that was free a moment ago: listen on port 0, note the port, close. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}
