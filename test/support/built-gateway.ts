import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Agent } from 'undici';

const MAIN = join(__dirname, '../../dist/apps/gateway/apps/gateway/src/main.js');

export interface BuiltGateway {
  readonly port: number;
  readonly output: () => string;
  agent(persona: string): Agent;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The compiled gateway (`npm run build`) as `npm start` runs it, in its own process: PGlite
 * loads its WebAssembly through dynamic imports that Jest's module system cannot host.
 */
export async function startBuiltGateway(
  dataDir: string,
  environment: Record<string, string> = {},
): Promise<BuiltGateway> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...environment,
  };
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitForHealth(port, child, () => output);
  const agents: Agent[] = [];
  return {
    port,
    output: () => output,
    agent: (persona) => {
      const pki = join(dataDir, 'pki');
      const agent = new Agent({
        connect: {
          ca: readFileSync(join(pki, 'ca.pem')),
          cert: readFileSync(join(pki, `${persona}.pem`)),
          key: readFileSync(join(pki, `${persona}-key.pem`)),
        },
      });
      agents.push(agent);
      return agent;
    },
    stop: async () => {
      await Promise.all(agents.map((agent) => agent.close()));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitForHealth(
  port: number,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const insecure = new Agent({ connect: { rejectUnauthorized: false } });
  const deadline = Date.now() + 30_000;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`gateway exited: ${output()}`);
      try {
        const response = await fetch(`https://127.0.0.1:${port}/health`, {
          dispatcher: insecure,
        } as unknown as RequestInit);
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`gateway did not become healthy: ${output()}`);
  } finally {
    await insecure.close();
  }
}
