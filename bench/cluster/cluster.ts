import { FileKeyEncryptionService } from '@passerelle/persistence';
import { type DevPki, ensureDevPki, issueCertificate } from '@passerelle/platform';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { type BenchDatabase, createBenchDatabase } from '../bench-database';
import { Cleanup } from '../cleanup';
import { freePort } from '../gateway-process';
import { haproxyConfig } from './haproxy-config';

export const NODE_NAMES = ['g1', 'g2', 'g3'] as const;

/** One gateway process of the cluster, its port, and where it delivers its notifications. */
export interface ClusterNode {
  readonly name: string;
  readonly port: number;
  readonly outboxDir: string;
  readonly child: ChildProcess;
}

export interface Cluster {
  readonly workDir: string;
  readonly pki: DevPki;
  readonly database: BenchDatabase;
  readonly nodes: readonly ClusterNode[];
  /** The proxy's origin, the only address clients use. */
  readonly origin: string;
  kill(node: ClusterNode): Promise<void>;
  close(): Promise<void>;
}

/** The repository's root: where package.json is, from bench/cluster or its compiled copy. */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('No package.json above ' + __dirname);
    dir = parent;
  }
  return dir;
}

export function builtGatewayMain(): string {
  return join(repositoryRoot(), 'dist/apps/gateway/apps/gateway/src/main.js');
}

/**
 * A fresh PostgreSQL database, three built gateways on loopback ports sharing it (and its key
 * file), and HAProxy in front of them, all in `workDir`. The first node runs the migrations
 * before the two others start.
 */
export async function startCluster(workDir: string, adminUrl: string): Promise<Cluster> {
  const cleanup = new Cleanup();
  try {
    const pki = ensureDevPki(join(workDir, 'pki'));
    const database = await createBenchDatabase(adminUrl);
    cleanup.add('database', () => database.drop());
    const kekFile = join(workDir, 'kek.json');
    FileKeyEncryptionService.open(kekFile, { create: true });
    const proxyCert = proxyCertificate(pki, workDir);
    const environment = {
      DATABASE_URL: database.url,
      KEK_FILE: kekFile,
      TLS_CERT: pki.serverCertPath,
      TLS_KEY: pki.serverKeyPath,
      TRUSTED_CA: pki.caPath,
      TRUSTED_PROXY_CERT: proxyCert.certPath,
      OIDC_SECRETS_FILE: join(workDir, 'oidc-secrets.json'),
    };
    const start = async (name: string) => {
      const node = await startNode(name, workDir, environment);
      cleanup.add(name, () => stopProcess(node.child));
      await waitUntilHealthy(node, pki);
      return node;
    };
    // The first runs the migrations (and writes the shared secrets); the others then start together.
    const [first, ...others] = NODE_NAMES;
    const nodes = [await start(first), ...(await Promise.all(others.map(start)))];
    const proxy = await startProxy(workDir, pki, proxyCert.pemPath, nodes);
    cleanup.add('haproxy', () => stopProcess(proxy.child));
    return {
      workDir,
      pki,
      database,
      nodes,
      origin: `https://localhost:${proxy.port}`,
      kill: async (node) => {
        const exited = new Promise((done) => node.child.once('exit', done));
        node.child.kill('SIGKILL');
        await exited;
      },
      close: () => cleanup.runAll(),
    };
  } catch (error) {
    await cleanup.runAll();
    throw error;
  }
}

/** The proxy's client certificate, from the CA the gateways trust; its file is TRUSTED_PROXY_CERT. */
function proxyCertificate(pki: DevPki, workDir: string): { certPath: string; pemPath: string } {
  const ca = {
    certPem: readFileSync(pki.caPath, 'utf8'),
    keyPem: readFileSync(pki.caKeyPath, 'utf8'),
  };
  const proxy = issueCertificate(ca, {
    subject: [[{ type: 'CN', value: 'haproxy.passerelle.invalid' }]],
    kind: 'client',
  });
  const certPath = join(workDir, 'proxy.pem');
  const pemPath = join(workDir, 'proxy-with-key.pem');
  writeFileSync(certPath, proxy.certPem);
  writeFileSync(pemPath, proxy.certPem + proxy.keyPem, { mode: 0o600 });
  return { certPath, pemPath };
}

async function startNode(
  name: string,
  workDir: string,
  environment: Record<string, string>,
): Promise<ClusterNode> {
  const port = await freePort();
  const dataDir = join(workDir, name);
  const outboxDir = join(dataDir, 'outbox');
  mkdirSync(outboxDir, { recursive: true });
  const log = openSync(join(workDir, `${name}.log`), 'a');
  const child = spawn(process.execPath, [builtGatewayMain()], {
    env: {
      PATH: process.env.PATH,
      ...environment,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_POOL_SIZE: '4',
      NOTIFY_CHANNEL: `file:${outboxDir}`,
      NOTIFY_INTERVAL_MS: '200',
    },
    stdio: ['ignore', log, log],
  });
  return { name, port, outboxDir, child };
}

async function startProxy(
  workDir: string,
  pki: DevPki,
  proxyPem: string,
  nodes: readonly ClusterNode[],
): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const frontendPem = join(workDir, 'frontend.pem');
  writeFileSync(
    frontendPem,
    readFileSync(pki.serverCertPath, 'utf8') + readFileSync(pki.serverKeyPath, 'utf8'),
    { mode: 0o600 },
  );
  const configPath = join(workDir, 'haproxy.cfg');
  writeFileSync(
    configPath,
    haproxyConfig(port, { frontendPem, clientCa: pki.caPath, proxyPem }, nodes),
  );
  const log = openSync(join(workDir, 'haproxy.log'), 'a');
  const child = spawn('haproxy', ['-db', '-f', configPath], { stdio: ['ignore', log, log] });
  const persona = pki.personas['hopital-org'];
  const agent = new Agent({
    connect: {
      ca: readFileSync(pki.caPath),
      cert: readFileSync(persona.certPath),
      key: readFileSync(persona.keyPath),
    },
  });
  try {
    await poll(() => answers200(`https://localhost:${port}/health`, agent), child, 'haproxy');
  } finally {
    await agent.close();
  }
  return { port, child };
}

async function waitUntilHealthy(node: ClusterNode, pki: DevPki): Promise<void> {
  const agent = new Agent({ connect: { ca: readFileSync(pki.caPath) } });
  try {
    await poll(
      () => answers200(`https://localhost:${node.port}/health`, agent),
      node.child,
      node.name,
    );
  } finally {
    await agent.close();
  }
}

async function poll(check: () => Promise<boolean>, child: ChildProcess, name: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (code ${child.exitCode})`);
    if (await check()) return;
    await sleep(200);
  }
  throw new Error(`${name} not healthy after 60 s`);
}

async function answers200(url: string, dispatcher: Agent): Promise<boolean> {
  try {
    const response = await request(url, { dispatcher, signal: AbortSignal.timeout(2000) });
    await response.body.dump();
    return response.statusCode === 200;
  } catch {
    return false;
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  if (!(await Promise.race([exited.then(() => true), sleep(10_000, false, { ref: false })]))) {
    child.kill('SIGKILL');
    await exited;
  }
}
