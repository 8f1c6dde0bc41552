import { Inject, Injectable, Optional } from '@nestjs/common';
import { X509Certificate as ParsedCertificate, type X509Crl } from '@peculiar/x509';
import { AuditContext, AuditTrail } from '@passerelle/audit';
import { CertifiedPrincipal, DomainError } from '@passerelle/domain';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { TRUSTED_CERTIFICATES } from './assertion';
import { BoundedCache } from './assertion/bounded-cache';
import {
  type CrlSource,
  type RevocationList,
  TRUSTED_CRLS,
  crlSourceOf,
  indexed,
  normalSerial,
} from './assertion/revocation';
import { OCSP_CHECKER, type OcspChecker, type OcspVerdict } from './ocsp';
import { principalOfSocket } from './socket-certificate';
import { principalFromCertificate } from './pki';

/** The header a TLS-terminating proxy puts its client's certificate in (HAProxy, nginx). */
export const FORWARDED_CERTIFICATE_HEADER = 'x-ssl-client-cert';

/** Nest token of the SHA-256 fingerprint of the trusted proxy's certificate (TRUSTED_PROXY_CERT). */
export const TRUSTED_PROXY_FINGERPRINT = Symbol('TRUSTED_PROXY_FINGERPRINT');

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const VERIFIED_CAPACITY = 10_000;
const FINGERPRINT = /^[0-9a-f]{2}(:?[0-9a-f]{2}){31}$/i;

/** TRUSTED_PROXY_CERT is a SHA-256 fingerprint (hex, colons optional) or a PEM file. */
export function trustedProxyFingerprint(setting: string | undefined): string | undefined {
  if (setting === undefined) return undefined;
  if (FINGERPRINT.test(setting)) return normalFingerprint(setting);
  try {
    return normalFingerprint(new X509Certificate(readFileSync(setting)).fingerprint256);
  } catch {
    throw new Error(
      `TRUSTED_PROXY_CERT must be a SHA-256 fingerprint or a PEM certificate file, got "${setting.slice(0, 100)}"`,
    );
  }
}

/**
 * `X-SSL-Client-Cert`: DER in base64 (HAProxy `%[ssl_c_der,base64]`) or URL-encoded PEM (nginx
 * `$ssl_client_escaped_cert`).
 */
export function forwardedCertificateOf(value: string): X509Certificate {
  try {
    if (value.startsWith('-----BEGIN')) {
      return new X509Certificate(decodeURIComponent(value));
    }
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) throw new Error('not base64');
    return new X509Certificate(Buffer.from(value, 'base64'));
  } catch {
    throw refused('not a certificate');
  }
}

/** The CRLs that cover one certificate of a verified path. */
interface RevocationCheck {
  readonly serial: string;
  readonly lists: readonly RevocationList[];
}

interface VerifiedClient {
  readonly principal: CertifiedPrincipal;
  /** Leaf first, self-signed trust anchor last. */
  readonly path: readonly X509Certificate[];
  readonly revocation: readonly RevocationCheck[];
}

/**
 * The client certificate of a request: the connection's own, or — only on a connection whose
 * certificate is the trusted proxy's — the one the proxy forwards, verified again here the way
 * the TLS handshake verifies a direct one (chain to TRUSTED_CA, validity, purpose, CRL_FILES).
 * A forwarded certificate from anyone else is ignored, and that refusal audited.
 */
@Injectable()
export class ClientCertificates {
  private verified = new BoundedCache<string, VerifiedClient>(VERIFIED_CAPACITY);
  private readonly crlSource: CrlSource;
  private crls: readonly RevocationList[];
  private crlGeneration: number;
  /** Per connection: its certificate and that certificate's issuer, for OCSP. */
  private readonly socketIssuers = new WeakMap<TLSSocket, readonly X509Certificate[]>();
  /** OCSP outages already audited as let through (OCSP_FAILURE=allow): one record each. */
  private readonly auditedOutages = new WeakSet<OcspVerdict>();

  constructor(
    @Inject(TRUSTED_CERTIFICATES) private readonly anchors: readonly X509Certificate[],
    @Inject(TRUSTED_CRLS) crls: CrlSource | readonly X509Crl[],
    @Inject(TRUSTED_PROXY_FINGERPRINT) private readonly proxyFingerprint: string | undefined,
    private readonly auditTrail: AuditTrail,
    @Optional() @Inject(OCSP_CHECKER) private readonly ocsp?: OcspChecker,
  ) {
    this.crlSource = crlSourceOf(crls);
    this.crlGeneration = this.crlSource.generation;
    this.crls = this.crlSource.crls.map(indexed);
  }

  async presenterOf(request: IncomingMessage): Promise<CertifiedPrincipal> {
    const socket = request.socket as TLSSocket;
    const forwarded = request.headers[FORWARDED_CERTIFICATE_HEADER];
    if (this.isTrustedProxy(socket)) {
      if (typeof forwarded !== 'string') {
        throw new DomainError('UNAUTHENTICATED', 'The proxy forwarded no client certificate');
      }
      return this.forwardedPrincipal(forwarded, new Date());
    }
    const presenter = await this.presenterOfSocket(socket);
    if (forwarded !== undefined) await this.auditIgnoredHeader(presenter);
    return presenter;
  }

  /**
   * The principal of the connection's own certificate (verified at the handshake against
   * TRUSTED_CA and CRL_FILES), and with OCSP on, its status, asked once per certificate and
   * cached (HTTPS and MLLP).
   */
  async presenterOfSocket(socket: TLSSocket): Promise<CertifiedPrincipal> {
    const presenter = principalOfSocket(socket);
    if (!this.ocsp) return presenter;
    let leafAndIssuer = this.socketIssuers.get(socket);
    if (!leafAndIssuer) {
      const leaf = socket.getPeerX509Certificate()!;
      const issuer =
        this.anchors.find((ca) => ca.ca && isIssuedBy(leaf, ca)) ?? leaf.issuerCertificate;
      leafAndIssuer = issuer ? [leaf, issuer] : [leaf];
      this.socketIssuers.set(socket, leafAndIssuer);
    }
    await this.checkOcsp(leafAndIssuer, presenter, directRefusal);
    return presenter;
  }

  /** `path`: leaf first, then its issuer. A refusal is worded as the CRL's (CERT_REVOKED). */
  private async checkOcsp(
    path: readonly X509Certificate[],
    presenter: CertifiedPrincipal,
    refusal: (reason: string) => DomainError,
  ): Promise<void> {
    if (!this.ocsp) return;
    const verdict: OcspVerdict =
      path.length < 2
        ? { status: 'unavailable', reason: 'issuer certificate not found' }
        : await this.ocsp.verdictOf(path[0], path[1]);
    if (verdict.status === 'good') return;
    if (verdict.status === 'revoked') throw refusal('CERT_REVOKED');
    if (verdict.status === 'unknown') throw refusal('OCSP_CERT_UNKNOWN');
    if (this.ocsp.config.failure === 'refuse') throw refusal('OCSP_UNAVAILABLE');
    if (this.auditedOutages.has(verdict)) return;
    this.auditedOutages.add(verdict);
    const audit = new AuditContext('client-certificate-status', 'ocsp-unavailable', presenter);
    audit.allowed(false);
    audit.reason = `OCSP_FAILURE=allow: certificate let in without a status (${verdict.reason})`;
    await this.auditTrail.complete(audit, 200);
  }

  private isTrustedProxy(socket: TLSSocket): boolean {
    if (this.proxyFingerprint === undefined || !socket.encrypted) return false;
    const certificate = socket.getPeerX509Certificate();
    if (!certificate) return false;
    const now = Date.now();
    return (
      normalFingerprint(certificate.fingerprint256) === this.proxyFingerprint &&
      Date.parse(certificate.validFrom) <= now &&
      now <= Date.parse(certificate.validTo)
    );
  }

  private async forwardedPrincipal(header: string, now: Date): Promise<CertifiedPrincipal> {
    this.followCrlReload();
    let client = this.verified.get(header);
    if (!client) {
      client = this.verify(forwardedCertificateOf(header));
      this.verified.set(header, client);
    }
    checkValidity(client.path, now);
    checkRevocation(client.revocation, now);
    await this.checkOcsp(client.path, client.principal, refused);
    return client.principal;
  }

  /** Reloaded CRLs: re-index them, and forget the checks worked out from the previous ones. */
  private followCrlReload(): void {
    if (this.crlSource.generation === this.crlGeneration) return;
    this.crlGeneration = this.crlSource.generation;
    this.crls = this.crlSource.crls.map(indexed);
    this.verified = new BoundedCache(VERIFIED_CAPACITY);
  }

  /** What never changes for a certificate (until the CRLs are reloaded): its purpose, its path, the CRLs covering it. */
  private verify(leaf: X509Certificate): VerifiedClient {
    if (leaf.keyUsage !== undefined && !leaf.keyUsage.includes(CLIENT_AUTH)) {
      throw refused('INVALID_PURPOSE');
    }
    const path = pathToAnchor(leaf, this.anchors);
    return {
      path,
      revocation: this.revocationChecksOf(path),
      principal: principalFromCertificate(leaf),
    };
  }

  /** As Node's TLS with CRLs set (CRL_CHECK_ALL): every certificate but the anchor needs a CRL. */
  private revocationChecksOf(path: readonly X509Certificate[]): RevocationCheck[] {
    if (this.crls.length === 0) return [];
    return path.slice(0, -1).map((certificate, index) => {
      const issuer = path[index + 1];
      const issuerName = new ParsedCertificate(issuer.raw).subject;
      const lists = this.crls.filter(
        (list) => list.issuer === issuerName && list.isSignedBy(issuer.publicKey),
      );
      if (lists.length === 0) throw refused('UNABLE_TO_GET_CRL');
      return { serial: normalSerial(certificate.serialNumber), lists };
    });
  }

  private async auditIgnoredHeader(presenter: CertifiedPrincipal): Promise<void> {
    const audit = new AuditContext('forwarded-client-certificate', 'ignored', presenter);
    audit.denied('FORWARDED_CERTIFICATE_NOT_FROM_TRUSTED_PROXY');
    await this.auditTrail.complete(audit, 401);
  }
}

/** Leaf, then its issuers among the trusted CAs up to a self-signed one. */
function pathToAnchor(
  leaf: X509Certificate,
  anchors: readonly X509Certificate[],
): X509Certificate[] {
  const path = [leaf];
  let current = leaf;
  while (!(current.ca && isIssuedBy(current, current))) {
    const issuer = anchors.find((ca) => ca.ca && !path.includes(ca) && isIssuedBy(current, ca));
    if (!issuer) throw refused('UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
    path.push(issuer);
    current = issuer;
  }
  if (path.length === 1) throw refused('SELF_SIGNED_CERT_IN_CHAIN');
  return path;
}

function isIssuedBy(certificate: X509Certificate, issuer: X509Certificate): boolean {
  return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
}

function checkValidity(path: readonly X509Certificate[], now: Date): void {
  const time = now.getTime();
  if (path.some((certificate) => time < Date.parse(certificate.validFrom))) {
    throw refused('CERT_NOT_YET_VALID');
  }
  if (path.some((certificate) => time > Date.parse(certificate.validTo))) {
    throw refused('CERT_HAS_EXPIRED');
  }
}

function checkRevocation(checks: readonly RevocationCheck[], now: Date): void {
  for (const { serial, lists } of checks) {
    if (lists.some((list) => list.revoked.has(serial))) throw refused('CERT_REVOKED');
    if (lists.every((list) => list.nextUpdate !== undefined && now.getTime() > list.nextUpdate)) {
      throw refused('CRL_HAS_EXPIRED');
    }
  }
}

function normalFingerprint(fingerprint: string): string {
  return fingerprint.replace(/:/g, '').toLowerCase();
}

/** As the guard refuses a certificate that failed the handshake's verification. */
function directRefusal(reason: string): DomainError {
  return new DomainError('UNAUTHENTICATED', `Client certificate refused (${reason})`);
}

/** The same wording as a direct certificate's refusal, with OpenSSL's reason codes. */
function refused(reason: string): DomainError {
  return new DomainError('UNAUTHENTICATED', `Forwarded client certificate refused (${reason})`);
}
