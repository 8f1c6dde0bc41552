import type { IssuedCertificate } from '@passerelle/platform';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate the responder knows: good, or revoked at `revokedAt`. */
export interface OcspIndexEntry {
  readonly certificate: IssuedCertificate;
  readonly revokedAt?: Date;
}

export interface OcspResponderSetup {
  /** The CA whose certificates are answered for (`openssl ocsp -CA`). */
  readonly ca: IssuedCertificate;
  /** Who signs the answers (`-rsigner`/`-rkey`): the CA itself or a delegated responder. */
  readonly signer: IssuedCertificate;
  readonly entries: readonly OcspIndexEntry[];
  /** `-nmin`: the answers' nextUpdate, minutes ahead; none when absent. */
  readonly nextUpdateMinutes?: number;
}

/** `openssl ocsp` as a responder: its files in a temporary directory. */
class OpensslOcsp {
  readonly dir = mkdtempSync(join(tmpdir(), 'passerelle-ocsp-'));

  constructor(private readonly setup: OcspResponderSetup) {
    writeFileSync(join(this.dir, 'index.txt'), setup.entries.map(indexLine).join(''));
    writeFileSync(join(this.dir, 'ca.pem'), setup.ca.certPem);
    writeFileSync(join(this.dir, 'signer.pem'), setup.signer.certPem);
    writeFileSync(join(this.dir, 'signer-key.pem'), setup.signer.keyPem);
  }

  arguments(): string[] {
    return [
      'ocsp',
      '-index',
      join(this.dir, 'index.txt'),
      '-CA',
      join(this.dir, 'ca.pem'),
      '-rsigner',
      join(this.dir, 'signer.pem'),
      '-rkey',
      join(this.dir, 'signer-key.pem'),
      ...(this.setup.nextUpdateMinutes === undefined
        ? []
        : ['-nmin', String(this.setup.nextUpdateMinutes)]),
    ];
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The DER OCSPResponse `openssl ocsp` gives to a DER OCSPRequest, without a server. */
export function opensslOcspAnswer(setup: OcspResponderSetup, request: Buffer): Buffer {
  const responder = new OpensslOcsp(setup);
  try {
    writeFileSync(join(responder.dir, 'request.der'), request);
    execFileSync(
      'openssl',
      [
        ...responder.arguments(),
        '-reqin',
        join(responder.dir, 'request.der'),
        '-respout',
        join(responder.dir, 'response.der'),
      ],
      { stdio: 'pipe' },
    );
    return readFileSync(join(responder.dir, 'response.der'));
  } finally {
    responder.remove();
  }
}

export interface RunningOcspResponder {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * `openssl ocsp -port` over HTTP on 127.0.0.1, as a child process: on `port` (from
 * {@link freePort}, when certificates must name the responder before it starts) or a free one.
 */
export async function startOcspResponder(
  setup: OcspResponderSetup,
  port?: number,
): Promise<RunningOcspResponder> {
  const responder = new OpensslOcsp(setup);
  port ??= await freePort();
  const child = spawn('openssl', [...responder.arguments(), '-port', String(port), '-ignore_err'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await listening(child);
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill();
        await exited;
      }
      responder.remove();
    },
  };
}

/** index.txt of `openssl ca`: status, expiry, revocation time, serial, file, subject. */
function indexLine({ certificate, revokedAt }: OcspIndexEntry): string {
  const x509 = new X509Certificate(certificate.certPem);
  const serial = x509.serialNumber.toUpperCase().replace(/^(00)+(?=..)/, '');
  const expiry = opensslTime(new Date(x509.validTo));
  const status = revokedAt ? 'R' : 'V';
  const revoked = revokedAt ? opensslTime(revokedAt) : '';
  return `${status}\t${expiry}\t${revoked}\t${serial}\tunknown\t/CN=${serial}\n`;
}

function opensslTime(date: Date): string {
  return `${date.toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z`;
}

/** A local TCP port free now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Until openssl says it waits for connections (on stderr, once bound). A probe connection would
 * not do: the responder serves one connection at a time, and one that sends nothing wedges it.
 */
function listening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let said = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`openssl ocsp did not start: ${said}`));
    }, 10_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      said = (said + chunk.toString()).slice(-2000);
      if (said.includes('waiting for OCSP client connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`openssl ocsp exited (${code}): ${said}`));
    });
  });
}
