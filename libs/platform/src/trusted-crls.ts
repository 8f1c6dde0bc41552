import { Logger, type OnModuleDestroy } from '@nestjs/common';
import type { X509Crl } from '@peculiar/x509';
import { createHash } from 'node:crypto';
import { type StatsListener, readFileSync, unwatchFile, watchFile } from 'node:fs';
import { type CrlSource, parseCrlBundle } from './assertion/revocation';

/** CRLs may be PEM or DER; Node's TLS wants PEM. */
export function readCrl(path: string): string {
  const bytes = readFileSync(path);
  const text = bytes.toString('latin1');
  if (text.includes('-----BEGIN X509 CRL-----')) return text;
  const base64 = bytes.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN X509 CRL-----\n${base64}\n-----END X509 CRL-----\n`;
}

/** What a reload tells the TLS listeners: the CRLs in PEM, as their secure context takes them. */
export type CrlListener = (pems: readonly string[]) => void;

/** How often the files are polled for a change, besides the scheduled reload. */
const WATCH_INTERVAL_MS = 2000;

/**
 * The CRLs of CRL_FILES in force, reloaded every CRL_RELOAD_INTERVAL_MS and whenever a file
 * changes (a CA publishes a new CRL, a fetcher replaces the file). A reload that cannot read or
 * parse every file keeps the lists in force — they still fail closed once past their nextUpdate —
 * and says so in the log. `generation` changes only when the content does, so the verifiers
 * re-index their lists (and forget the revocation checks they worked out) only then.
 */
export class TrustedCrls implements CrlSource, OnModuleDestroy {
  private readonly logger = new Logger('CRL');
  private readonly listeners: CrlListener[] = [];
  private current: { digest: string; pems: string[]; crls: X509Crl[] };
  private generationCount = 0;
  private timer?: NodeJS.Timeout;
  private readonly onFileChange: StatsListener = () => this.reload();

  constructor(
    private readonly paths: readonly string[],
    reloadIntervalMs: number,
  ) {
    this.current = load(paths);
    if (paths.length === 0) return;
    this.timer = setInterval(() => this.reload(), reloadIntervalMs).unref();
    for (const path of paths) {
      watchFile(path, { interval: WATCH_INTERVAL_MS, persistent: false }, this.onFileChange);
    }
  }

  get generation(): number {
    return this.generationCount;
  }

  get crls(): readonly X509Crl[] {
    return this.current.crls;
  }

  get pems(): readonly string[] {
    return this.current.pems;
  }

  onChange(listener: CrlListener): void {
    this.listeners.push(listener);
  }

  /** Reads every file again; true when the lists in force changed. */
  reload(): boolean {
    let next: TrustedCrls['current'];
    try {
      next = load(this.paths);
    } catch (error) {
      this.logger.error(`CRL_FILES not reloaded, the lists in force stay: ${message(error)}`);
      return false;
    }
    if (next.digest === this.current.digest) return false;
    this.current = next;
    this.generationCount += 1;
    this.logger.log(`CRL_FILES reloaded: ${next.crls.length} CRL(s) in force`);
    for (const listener of this.listeners) listener(next.pems);
    return true;
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    for (const path of this.paths) unwatchFile(path, this.onFileChange);
  }
}

function load(paths: readonly string[]): { digest: string; pems: string[]; crls: X509Crl[] } {
  const pems = paths.map(readCrl);
  const crls = pems.flatMap((pem, index) => {
    const parsed = parseCrlBundle(pem);
    if (parsed.length === 0) throw new Error(`no CRL in ${paths[index]}`);
    return parsed;
  });
  const digest = createHash('sha256').update(pems.join('\n')).digest('hex');
  return { digest, pems, crls };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}
