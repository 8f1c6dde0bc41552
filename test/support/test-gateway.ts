import { DevPki, loadConfig } from '@passerelle/platform';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'fhir-kit-client';
import { Agent } from 'undici';
import { RunningGateway, startGateway } from '../../apps/gateway/src/gateway';
import { ensureDevPki } from '@passerelle/platform';
import { testKekFile } from './test-database';

/** fhir-kit-client with bodies typed loosely: its resource types differ from @types/fhir's. */
export type FhirClient = Omit<Client, 'transaction' | 'nextPage'> & {
  transaction(params: { body: unknown }): Promise<unknown>;
  nextPage(params: { bundle: unknown }): Promise<unknown>;
};

export interface TestGateway {
  readonly baseUrl: string;
  readonly fhirUrl: string;
  readonly pki: DevPki;
  readonly gateway: RunningGateway;
  /** An undici dispatcher presenting the persona's client certificate (or none). */
  agent(persona?: string): Agent;
  /** fhir-kit-client authenticated as a persona of the development PKI. */
  fhir(persona: string): FhirClient;
  close(): Promise<void>;
}

/**
 * The real gateway over real mutual TLS on a free port, against the run's PostgreSQL database
 * (created by test/global-setup.ts).
 */
export async function startTestGateway(
  environment: Record<string, string | undefined> = {},
): Promise<TestGateway> {
  const ownDataDir = environment.DATA_DIR === undefined;
  const dataDir = environment.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'passerelle-test-'));
  const databaseUrl = process.env.PASSERELLE_TEST_DATABASE_URL;
  if (!databaseUrl) throw new Error('PASSERELLE_TEST_DATABASE_URL is not set (global setup)');
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    KEK_FILE: testKekFile(),
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    DATABASE_POOL_SIZE: '4',
    ...environment,
    DATA_DIR: dataDir,
  });
  const gateway = await startGateway(config);
  const pki = ensureDevPki(join(dataDir, 'pki'));
  const baseUrl = `https://localhost:${gateway.port}`;
  const agents: Agent[] = [];
  const agent = (persona?: string) => {
    const files = persona ? pki.personas[persona] : undefined;
    const created = new Agent({
      connect: {
        ca: readFileSync(pki.caPath),
        ...(files ? { cert: readFileSync(files.certPath), key: readFileSync(files.keyPath) } : {}),
      },
    });
    agents.push(created);
    return created;
  };
  return {
    baseUrl,
    fhirUrl: `${baseUrl}/fhir`,
    pki,
    gateway,
    agent,
    fhir: (persona) =>
      new Client({
        baseUrl: `${baseUrl}/fhir`,
        requestOptions: { dispatcher: agent(persona) },
      }) as unknown as FhirClient,
    close: async () => {
      await Promise.all(agents.map((a) => a.close()));
      await gateway.close();
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
