import { DomainError } from '@passerelle/domain';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forwardedCertificateOf, trustedProxyFingerprint } from './forwarded-client-certificate';
import { createRootCa, issueCertificate } from './pki';

describe('the forwarded client certificate and the trusted proxy setting', () => {
  const ca = createRootCa('test root');
  const client = issueCertificate(ca, { subject: [[{ type: 'CN', value: 'x' }]], kind: 'client' });
  const certificate = new X509Certificate(client.certPem);
  const fingerprint = certificate.fingerprint256.replace(/:/g, '').toLowerCase();
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-proxy-spec-'));

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads base64 DER (HAProxy) and URL-encoded PEM (nginx)', () => {
    expect(forwardedCertificateOf(certificate.raw.toString('base64')).fingerprint256).toBe(
      certificate.fingerprint256,
    );
    expect(forwardedCertificateOf(encodeURIComponent(client.certPem)).fingerprint256).toBe(
      certificate.fingerprint256,
    );
  });

  it.each([
    ['garbage', 'not a certificate'],
    ['base64 of no certificate', Buffer.from('hello').toString('base64')],
    ['two values joined', `${certificate.raw.toString('base64')}, AAAA`],
    ['bad percent-encoding', '-----BEGIN%E0%A4%A'],
  ])('refuses %s with a 401-style error', (_name, value) => {
    expect(() => forwardedCertificateOf(value)).toThrow(DomainError);
    expect(() => forwardedCertificateOf(value)).toThrow(/Forwarded client certificate refused/);
  });

  it('takes TRUSTED_PROXY_CERT as a fingerprint, with or without colons, or as a PEM file', () => {
    const path = join(dir, 'proxy.pem');
    writeFileSync(path, client.certPem);
    expect(trustedProxyFingerprint(certificate.fingerprint256)).toBe(fingerprint);
    expect(trustedProxyFingerprint(fingerprint.toUpperCase())).toBe(fingerprint);
    expect(trustedProxyFingerprint(path)).toBe(fingerprint);
    expect(trustedProxyFingerprint(undefined)).toBeUndefined();
    expect(() => trustedProxyFingerprint(join(dir, 'absent.pem'))).toThrow(
      /TRUSTED_PROXY_CERT must be a SHA-256 fingerprint or a PEM certificate file/,
    );
  });
});
