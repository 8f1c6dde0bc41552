import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import {
  type IssuedCertificate,
  createRootCa,
  issueCertificate,
  issueCrl,
  orgSubject,
  psSubject,
} from './certificate-issuer';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

const doctor = psSubject({
  idNat: '810000000017',
  family: 'MARTIN',
  given: 'Jeanne',
  professionLabel: 'Médecin',
});

const serialOf = (issued: IssuedCertificate) => new X509Certificate(issued.certPem).serialNumber;

describe('certificate issuer', () => {
  // Each certificate costs an RSA-2048 key generation (up to a second): those the tests only
  // read are issued once for the file.
  let ca: IssuedCertificate;
  let caCert: X509Certificate;
  /** Another CA of the same name, with its own key. */
  let impostor: IssuedCertificate;
  let server: IssuedCertificate;
  let doctorCard: IssuedCertificate;
  let revokedCard: IssuedCertificate;

  beforeAll(() => {
    ca = createRootCa('Issuer Test CA');
    caCert = new X509Certificate(ca.certPem);
    impostor = createRootCa('Issuer Test CA');
    server = issueCertificate(ca, {
      subject: [[{ type: 'CN', value: 'localhost' }]],
      kind: 'server',
      dnsNames: ['localhost', 'gateway.test'],
      ipAddresses: ['127.0.0.1', '::1'],
    });
    // server, doctorCard and revokedCard get random serials: no serialNumber is requested.
    doctorCard = issueCertificate(ca, { subject: doctor, kind: 'client' });
    revokedCard = issueCertificate(ca, { subject: doctor, kind: 'client' });
  });

  describe('createRootCa', () => {
    it('creates a self-signed CA certificate', () => {
      expect(caCert.ca).toBe(true);
      expect(caCert.subject).toBe('CN=Issuer Test CA');
      expect(caCert.checkIssued(caCert)).toBe(true);
      expect(caCert.verify(caCert.publicKey)).toBe(true);
      expect(ca.keyPem).toContain('BEGIN PRIVATE KEY');
    });

    it('honours the validity in days', () => {
      const shortLived = new X509Certificate(createRootCa('Short', { validDays: 2 }).certPem);
      const lifetime = Date.parse(shortLived.validTo) - Date.parse(shortLived.validFrom);

      expect(lifetime).toBe(2 * 24 * 3600 * 1000);
    });
  });

  describe('issueCertificate', () => {
    it('issues a server certificate for names and addresses', () => {
      const cert = new X509Certificate(server.certPem);

      expect(cert.ca).toBe(false);
      expect(cert.issuer).toBe(caCert.subject);
      expect(cert.checkIssued(caCert)).toBe(true);
      expect(cert.verify(caCert.publicKey)).toBe(true);
      expect(cert.checkPrivateKey(createPrivateKey(server.keyPem))).toBe(true);
      expect(cert.keyUsage).toEqual([SERVER_AUTH]);
      expect(cert.checkHost('gateway.test')).toBe('gateway.test');
      expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(cert.checkIP('::1')).toBe('::1');
    });

    // DER sorts the members of a SET OF by their encoding, so within the RDN the shorter
    // SN and GN come before CN.
    it('prints CN+SN+GN as one multi-valued RDN, with UTF-8 intact', () => {
      const cert = new X509Certificate(doctorCard.certPem);

      expect(cert.keyUsage).toEqual([CLIENT_AUTH]);
      expect(cert.subject).toBe('C=FR\ntitle=Médecin\nSN=MARTIN + GN=Jeanne + CN=810000000017');
    });

    it('encodes non-ASCII values as UTF8String and the country as PrintableString', () => {
      const der = new X509Certificate(
        issueCertificate(ca, {
          subject: orgSubject({
            serviceName: 'Système',
            structureId: '1750000000',
            organisationName: 'Hôpital',
          }),
          kind: 'client',
        }).certPem,
      ).raw;
      const utf8String = (text: string) =>
        Buffer.concat([Buffer.from([0x0c, Buffer.byteLength(text)]), Buffer.from(text)]);

      expect(der.includes(utf8String('Système'))).toBe(true);
      expect(der.includes(utf8String('Hôpital'))).toBe(true);
      expect(der.includes(Buffer.from([0x13, 0x02, 0x46, 0x52]))).toBe(true); // PrintableString FR
    });

    it('uses the requested serial number and validity', () => {
      const notBefore = new Date('2030-01-01T00:00:00Z');
      const notAfter = new Date('2051-06-01T00:00:00Z');
      const cert = new X509Certificate(
        issueCertificate(ca, {
          subject: doctor,
          kind: 'client',
          serialNumber: '8badf00d',
          notBefore,
          notAfter,
        }).certPem,
      );

      expect(cert.serialNumber).toBe('8BADF00D');
      expect(Date.parse(cert.validFrom)).toBe(notBefore.getTime());
      expect(Date.parse(cert.validTo)).toBe(notAfter.getTime());
    });

    it('draws a distinct random serial for each certificate', () => {
      expect(serialOf(server)).toMatch(/^[4-7][0-9A-F]{31}$/);
      expect(serialOf(doctorCard)).not.toBe(serialOf(revokedCard));
    });

    it('refuses an issuer whose key does not match its certificate', () => {
      expect(() =>
        issueCertificate(
          { certPem: ca.certPem, keyPem: impostor.keyPem },
          {
            subject: doctor,
            kind: 'client',
          },
        ),
      ).toThrow(/does not match/);
    });
  });

  describe('issueCrl over real TLS', () => {
    const connect = (crl: string, client: IssuedCertificate) =>
      handshake({ key: server.keyPem, cert: server.certPem, ca: ca.certPem, crl }, client, ca);

    it('produces a PEM CRL that tls.createSecureContext accepts', () => {
      const crl = issueCrl(ca, [serialOf(revokedCard)]);

      expect(crl).toMatch(/^-----BEGIN X509 CRL-----\n[\s\S]+\n-----END X509 CRL-----\n$/);
      expect(() => tls.createSecureContext({ ca: ca.certPem, crl })).not.toThrow();
    });

    it('lets a client whose certificate is not revoked in', async () => {
      const outcome = await connect(issueCrl(ca, [serialOf(revokedCard)]), doctorCard);

      expect(outcome).toEqual({ received: 'welcome', serverError: undefined });
    });

    it('refuses a revoked client certificate', async () => {
      const outcome = await connect(issueCrl(ca, [serialOf(revokedCard)]), revokedCard);

      expect(outcome.received).toBe('');
      expect(outcome.serverError).toBe('CERT_REVOKED');
    });

    it('accepts an empty CRL', async () => {
      const outcome = await connect(issueCrl(ca, []), revokedCard);

      expect(outcome.received).toBe('welcome');
    });

    it('refuses clients once the CRL is past its nextUpdate', async () => {
      const outcome = await connect(issueCrl(ca, [], { validDays: -1 }), doctorCard);

      expect(outcome.serverError).toBe('CRL_HAS_EXPIRED');
    });

    // Its authorityKeyIdentifier does not match, so OpenSSL finds no CRL for the client's issuer;
    // once any CRL is configured, Node makes a CRL mandatory for every certificate in the chain.
    it('ignores a CRL from another CA of the same name, and so refuses clients', async () => {
      const outcome = await connect(issueCrl(impostor, []), doctorCard);

      expect(outcome.received).toBe('');
      expect(outcome.serverError).toBe('UNABLE_TO_GET_CRL');
    });
  });
});

interface HandshakeOutcome {
  readonly received: string;
  readonly serverError?: string;
}

/** One real mutual-TLS exchange on 127.0.0.1: what the client read and why the server refused. */
async function handshake(
  serverOptions: tls.TlsOptions,
  client: IssuedCertificate,
  ca: IssuedCertificate,
): Promise<HandshakeOutcome> {
  let serverError: string | undefined;
  const server = tls.createServer({
    ...serverOptions,
    requestCert: true,
    rejectUnauthorized: true,
  });
  // Node verifies the client chain after the handshake and just destroys the socket on failure:
  // the reason is only on the socket (e.g. CERT_REVOKED), the error itself says "socket hang up".
  server.on('tlsClientError', (error, socket) => {
    serverError = socket.authorizationError ? String(socket.authorizationError) : error.message;
  });
  server.on('secureConnection', (socket) => socket.end('welcome'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const received = await new Promise<string>((resolve) => {
    let data = '';
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      servername: 'localhost',
      ca: ca.certPem,
      cert: client.certPem,
      key: client.keyPem,
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', () => undefined); // the outcome is what was received, and serverError
    socket.on('close', () => resolve(data));
  });
  // Closing waits for the server side of the connection, so serverError is settled after it.
  await new Promise((resolve) => server.close(resolve));
  return { received, serverError };
}
