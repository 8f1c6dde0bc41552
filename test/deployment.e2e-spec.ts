import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const ENTRYPOINT = join(ROOT, 'scripts/docker-entrypoint.sh');
const HEALTHCHECK = join(ROOT, 'scripts/healthcheck.mjs');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function healthcheck(port: number) {
  return spawnSync(process.execPath, [HEALTHCHECK], {
    env: { PATH: process.env.PATH, PORT: String(port) },
    encoding: 'utf8',
    timeout: 10_000,
  });
}

/**
 * No Docker engine runs where the tests do: the image's entrypoint and health check are run here
 * as the image runs them, on the built gateway, and the Dockerfile and compose.yaml are read for
 * what they must say.
 */
describe('the container image, its entrypoint and health check run as they are', () => {
  let dataDir: string;
  let port: number;
  let gateway: ChildProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'passerelle-image-'));
    port = await freePort();
    gateway = spawn(ENTRYPOINT, [], {
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1' },
      stdio: 'ignore',
    });
  });

  afterAll(() => {
    if (gateway.exitCode === null && gateway.signalCode === null) gateway.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports unhealthy while nothing answers, healthy once the gateway listens', async () => {
    expect(healthcheck(port).status).toBe(1);
    // A bound on start-up, not a measure of it: a loaded machine starts PGlite slowly.
    const deadline = Date.now() + 90_000;
    while (healthcheck(port).status !== 0) {
      expect(gateway.exitCode).toBeNull();
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }, 120_000);

  it('runs the gateway itself (exec): the stop signal ends it, not a shell around it', async () => {
    expect(healthcheck(port).status).toBe(0);
    const exited = new Promise((resolve) =>
      gateway.once('exit', (code, signal) => resolve({ code, signal })),
    );
    gateway.kill('SIGTERM');
    // Nest closes the app on SIGTERM, then ends the process by the same signal.
    expect(await exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(healthcheck(port).status).toBe(1);
  });

  it('runs the operator CLI as `passerelle …`', () => {
    const run = spawnSync(ENTRYPOINT, ['passerelle', 'ins', 'key', '2770699123456'], {
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
    });
    expect({ status: run.status, stdout: run.stdout.trim() }).toEqual({
      status: 0,
      stdout: '277069912345674',
    });
  });
});

describe('the Dockerfile and compose.yaml', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const compose = readFileSync(join(ROOT, 'compose.yaml'), 'utf8');
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('runs the image as an unprivileged user, through the entrypoint and health check tested here', () => {
    accessSync(ENTRYPOINT, constants.X_OK);
    expect(finalStage).toMatch(/^USER node$/m);
    expect(finalStage).toContain('ENTRYPOINT ["/app/scripts/docker-entrypoint.sh"]');
    expect(finalStage).toMatch(
      /^HEALTHCHECK .*\n\s+CMD \["node", "\/app\/scripts\/healthcheck\.mjs"\]$/m,
    );
    expect(finalStage).toContain(
      'COPY scripts/docker-entrypoint.sh scripts/healthcheck.mjs ./scripts/',
    );
  });

  it('ships the build and the production dependencies only', () => {
    expect(dockerfile).toMatch(/AS production-dependencies\n(?:.*\n)*RUN npm ci --omit=dev/);
    expect(finalStage).toContain(
      'COPY --from=production-dependencies /app/node_modules ./node_modules',
    );
    expect(finalStage).toContain('COPY --from=build /app/dist ./dist');
  });

  it('gives the gateway only settings it reads, PostgreSQL and a key file', () => {
    const config = readFileSync(join(ROOT, 'libs/platform/src/config.ts'), 'utf8');
    const gatewayService = compose.slice(
      compose.indexOf('\n  gateway:\n'),
      compose.indexOf('\nvolumes:'),
    );
    const settings = [...gatewayService.matchAll(/^ {6}([A-Z][A-Z0-9_]+):/gm)].map(
      (match) => match[1],
    );
    expect(settings).toEqual(expect.arrayContaining(['DATABASE_URL', 'KEK_FILE']));
    for (const setting of settings) {
      expect({
        setting,
        read: new RegExp(`\\benv\\.${setting}\\b|'${setting}'`).test(config),
      }).toEqual({
        setting,
        read: true,
      });
    }
    expect(gatewayService).toContain('KEK_FILE: /run/passerelle/keys/kek.json');
    expect(gatewayService).toContain('- keys:/run/passerelle/keys');
  });
});
