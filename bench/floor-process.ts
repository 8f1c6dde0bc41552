import { ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DevPki } from '@passerelle/platform';
import { freePort } from './gateway-process';

/** The repository's root, from this compiled file: dist/apps/gateway/bench. */
export const REPOSITORY_ROOT = resolve(__dirname, '../../../..');

/** Which floor: the neutral one, or it plus the work the DMP's rules make mandatory. */
export type FloorKind = 'floor' | 'audited-floor';

const SCRIPTS: Record<FloorKind, { path: string; ready: string }> = {
  floor: {
    path: join(REPOSITORY_ROOT, 'bench/neutral/floor-server.mjs'),
    ready: 'floor-server https+mtls',
  },
  'audited-floor': {
    path: join(__dirname, 'audited-floor-server.js'),
    ready: 'audited-floor https+mtls',
  },
};

/**
 * The floor (bench/neutral/floor-server.mjs): the least work Node.js + pg can do for the same
 * MHD traffic, over the same mutual TLS as the gateway, on a database of its own; or the audited
 * floor (bench/audited-floor-server.ts), the same with the access-state read, audit rows and
 * notifications every request owes.
 */
export class FloorProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly ready: string,
  ) {}

  static async start(
    kind: FloorKind,
    databaseUrl: string,
    pki: DevPki,
    tlsDir: string,
  ): Promise<FloorProcess> {
    const script = SCRIPTS[kind];
    const port = await freePort();
    const database = new URL(databaseUrl);
    const child = spawn(
      process.execPath,
      [script.path, '--reset', '--port', String(port), '--tls', floorTls(pki, tlsDir)],
      {
        // It resolves `pg` from its working directory.
        cwd: REPOSITORY_ROOT,
        env: {
          ...process.env,
          PGHOST: database.hostname,
          PGPORT: database.port || '5432',
          PGUSER: decodeURIComponent(database.username) || 'postgres',
          PGPASSWORD: decodeURIComponent(database.password),
          PGDATABASE: database.pathname.slice(1),
        },
        stdio: ['ignore', 2, 'pipe'],
      },
    );
    const floor = new FloorProcess(child, port, script.ready);
    await floor.listening();
    return floor;
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get base(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((done) => this.child.once('exit', () => done()));
    this.child.kill('SIGTERM');
    await exited;
  }

  killNow(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }

  /** It says so on stderr once its tables exist and it listens; its output goes on to ours. */
  private listening(): Promise<void> {
    return new Promise((done, fail) => {
      const stderr = this.child.stderr!;
      stderr.on('data', (chunk: Buffer) => {
        process.stderr.write(chunk);
        if (chunk.toString('utf8').includes(this.ready)) done();
      });
      this.child.once('exit', (code) => fail(new Error(`The floor exited early (code ${code})`)));
    });
  }
}

/** The floor's file names for the gateway's server certificate and CA. */
function floorTls(pki: DevPki, dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  copyFileSync(pki.serverKeyPath, join(dir, 'server.key'));
  copyFileSync(pki.serverCertPath, join(dir, 'server.crt'));
  copyFileSync(pki.caPath, join(dir, 'ca.crt'));
  return dir;
}
