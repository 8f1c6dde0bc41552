import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { X509Certificate } from 'node:crypto';
import type { ServerOptions } from 'node:https';
import { parseCertificateBundle } from './assertion';
import type { AppConfig } from './config';
import { type DevPki, ensureDevPki } from './pki';
import { TrustedCrls, readCrl } from './trusted-crls';

export interface TlsSetup {
  readonly options: ServerOptions;
  /** Set when the development PKI was generated or loaded, for the start-up banner. */
  readonly devPkiDir?: string;
}

/**
 * HTTPS options requesting a client certificate. The handshake accepts any certificate so that
 * a refusal is answered in the protocol (401 OperationOutcome / SOAP fault) and can be audited;
 * the request guard refuses every request whose certificate did not verify against TRUSTED_CA
 * and CRL_FILES.
 */
export function tlsSetup(config: AppConfig): TlsSetup {
  if (config.tls) {
    return {
      options: {
        key: readFileSync(config.tls.keyPath),
        cert: readFileSync(config.tls.certPath),
        ca: readFileSync(config.tls.trustedCaPath),
        crl: config.tls.crlPaths.map(readCrl),
        requestCert: true,
        rejectUnauthorized: false,
      },
    };
  }
  const pki = devPki(config);
  return {
    options: {
      key: readFileSync(pki.serverKeyPath),
      cert: readFileSync(pki.serverCertPath),
      ca: readFileSync(pki.caPath),
      requestCert: true,
      rejectUnauthorized: false,
    },
    devPkiDir: pki.dir,
  };
}

/**
 * The CA certificates (TRUSTED_CA, or the development CA) that client certificates and the
 * signers of access assertions must chain to.
 */
export function trustedCertificates(config: AppConfig): X509Certificate[] {
  const path = config.tls?.trustedCaPath ?? devPki(config).caPath;
  const certificates = parseCertificateBundle(readFileSync(path));
  if (certificates.length === 0) throw new Error(`No PEM certificate in ${path}`);
  return certificates;
}

/**
 * The CRLs (CRL_FILES) the handshakes, forwarded certificates and the signers of access
 * assertions are checked against, reloaded on change and on schedule; the dev PKI has none.
 */
export function trustedCrls(config: AppConfig): TrustedCrls {
  return new TrustedCrls(config.tls?.crlPaths ?? [], config.crlReloadIntervalMs);
}

/** The TLS options of a secure context (setSecureContext) with the CRLs now in force. */
export function withCrls(options: ServerOptions, pems: readonly string[]): ServerOptions {
  return { ...options, crl: [...pems] };
}

/** Generated on first use, then reused: calling it again rewrites nothing. */
function devPki(config: AppConfig): DevPki {
  return ensureDevPki(join(config.dataDir, 'pki'));
}
