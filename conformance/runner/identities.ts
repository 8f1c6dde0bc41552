import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from 'undici';

export interface CertificateFiles {
  readonly cert: string;
  readonly key: string;
}

/**
 * The TLS identities a run uses. `feeder` submits documents (a hospital system, typically an
 * ORG certificate); `consumer` opens records and consults (a professional, a PS certificate),
 * and is the feeder when not given. A development PKI folder (`ca.pem`, `<persona>.pem`,
 * `<persona>-key.pem`) provides all of them, and the personas access-rule cases act as.
 */
export interface IdentityOptions {
  readonly ca?: string;
  readonly feeder?: CertificateFiles;
  readonly consumer?: CertificateFiles;
  readonly pkiDir?: string;
  readonly feederPersona?: string;
  readonly consumerPersona?: string;
  readonly timeoutMs: number;
}

export const DEFAULT_FEEDER_PERSONA = 'hopital-org';
export const DEFAULT_CONSUMER_PERSONA = 'medecin-generaliste';

/** Undici dispatchers presenting each identity's client certificate, created when first used. */
export class Identities {
  private readonly agents = new Map<string, Agent>();
  private readonly ca?: Buffer;

  constructor(private readonly options: IdentityOptions) {
    const caPath = options.ca ?? (options.pkiDir ? join(options.pkiDir, 'ca.pem') : undefined);
    this.ca = caPath ? readFileSync(caPath) : undefined;
    if (!this.filesOf('feeder')) {
      throw new Error('No feeding identity: give --cert and --key, or --pki-dir');
    }
  }

  /** Whether a role (feeder, consumer, anonymous, persona:<name>) can be acted as. */
  has(role: string): boolean {
    return role === 'anonymous' || this.filesOf(role) !== undefined;
  }

  dispatcher(role: string): Agent {
    const existing = this.agents.get(role);
    if (existing) return existing;
    const files = this.filesOf(role);
    if (role !== 'anonymous' && !files) throw new Error(`No identity for ${role}`);
    const agent = new Agent({
      connect: {
        ...(this.ca ? { ca: this.ca } : {}),
        ...(files ? { cert: readFileSync(files.cert), key: readFileSync(files.key) } : {}),
      },
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.timeoutMs,
    });
    this.agents.set(role, agent);
    return agent;
  }

  async close(): Promise<void> {
    await Promise.all([...this.agents.values()].map((agent) => agent.close()));
    this.agents.clear();
  }

  private filesOf(role: string): CertificateFiles | undefined {
    const { options } = this;
    if (role === 'feeder') {
      return options.feeder ?? this.persona(options.feederPersona ?? DEFAULT_FEEDER_PERSONA);
    }
    if (role === 'consumer') {
      return (
        options.consumer ??
        this.persona(options.consumerPersona ?? DEFAULT_CONSUMER_PERSONA) ??
        this.filesOf('feeder')
      );
    }
    return role.startsWith('persona:') ? this.persona(role.slice('persona:'.length)) : undefined;
  }

  private persona(name: string): CertificateFiles | undefined {
    if (!this.options.pkiDir) return undefined;
    const files = {
      cert: join(this.options.pkiDir, `${name}.pem`),
      key: join(this.options.pkiDir, `${name}-key.pem`),
    };
    return existsSync(files.cert) && existsSync(files.key) ? files : undefined;
  }
}
