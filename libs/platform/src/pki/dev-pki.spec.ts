import { X509Certificate } from 'node:crypto';
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRootCa, issueCertificate, psSubject } from './certificate-issuer';
import { principalFromCertificate } from './certificate-profile';
import { DEV_PERSONAS, type DevPki, ensureDevPki } from './dev-pki';

describe('ensureDevPki', () => {
  let dir: string;
  let pki: DevPki;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'passerelle-dev-pki-'));
    pki = ensureDevPki(join(dir, 'pki'), ['gateway.test']);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const snapshot = () =>
    Object.fromEntries(
      readdirSync(pki.dir).map((name) => [name, readFileSync(join(pki.dir, name), 'utf8')]),
    );
  const certificateAt = (path: string) => new X509Certificate(readFileSync(path));

  it('writes the CA, the server, every persona, personas.json and README.txt', () => {
    const personaFiles = Object.keys(DEV_PERSONAS).flatMap((name) => [
      `${name}.pem`,
      `${name}-key.pem`,
    ]);

    expect(readdirSync(pki.dir).sort()).toEqual(
      [
        'README.txt',
        'ca-key.pem',
        'ca.pem',
        'personas.json',
        'server-key.pem',
        'server.pem',
        ...personaFiles,
      ].sort(),
    );
    expect(pki).toMatchObject({
      caPath: join(pki.dir, 'ca.pem'),
      serverCertPath: join(pki.dir, 'server.pem'),
      serverKeyPath: join(pki.dir, 'server-key.pem'),
    });
  });

  it('keeps private keys readable by the owner only', () => {
    const keys = readdirSync(pki.dir).filter((name) => name.endsWith('-key.pem'));

    expect(keys).toHaveLength(Object.keys(DEV_PERSONAS).length + 2);
    for (const key of keys) expect(statSync(join(pki.dir, key)).mode & 0o777).toBe(0o600);
  });

  it('issues a server certificate for loopback and the extra host names', () => {
    const server = certificateAt(pki.serverCertPath);

    expect(server.checkIssued(certificateAt(pki.caPath))).toBe(true);
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkHost('gateway.test')).toBe('gateway.test');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkIP('::1')).toBe('::1');
  });

  it('issues persona certificates that read back as their principals', () => {
    const principal = (name: string) =>
      principalFromCertificate(certificateAt(pki.personas[name].certPath));

    expect(principal('medecin-generaliste')).toMatchObject({
      kind: 'PS',
      subjectId: '810000000017',
      family: 'MARTIN',
      given: 'Jeanne',
      professionCode: '10',
    });
    expect(principal('pharmacien')).toMatchObject({ kind: 'PS', professionCode: '21' });
    expect(principal('infirmier')).toMatchObject({ kind: 'PS', professionCode: '60' });
    expect(principal('hopital-org')).toMatchObject({
      kind: 'ORG',
      subjectId: '1750000000',
      organisationName: 'Centre Hospitalier de Test',
    });
    expect(principal('laboratoire-org')).toMatchObject({
      kind: 'ORG',
      serviceName: 'Système de gestion de laboratoire',
    });
  });

  it('describes the personas in personas.json', () => {
    const described = JSON.parse(readFileSync(join(pki.dir, 'personas.json'), 'utf8')) as Record<
      string,
      object
    >;

    expect(Object.keys(described)).toEqual(Object.keys(DEV_PERSONAS));
    expect(described['medecin-generaliste']).toMatchObject({
      certFile: 'medecin-generaliste.pem',
      keyFile: 'medecin-generaliste-key.pem',
      kind: 'PS',
      idNat: '810000000017',
      professionLabel: 'Médecin',
    });
    expect(pki.personas.pharmacien.description).toBe(DEV_PERSONAS.pharmacien.description);
  });

  it('is idempotent: a second call rewrites nothing', () => {
    const before = snapshot();

    expect(ensureDevPki(pki.dir, ['gateway.test'])).toEqual(pki);
    expect(snapshot()).toEqual(before);
  });

  it('re-issues only what is missing', () => {
    const before = snapshot();
    unlinkSync(pki.personas.pharmacien.keyPath);

    ensureDevPki(pki.dir, ['gateway.test']);
    const after = snapshot();

    expect(after['pharmacien.pem']).not.toBe(before['pharmacien.pem']);
    expect(withoutPharmacien(after)).toEqual(withoutPharmacien(before));
  });

  it('re-issues a persona certificate that the CA did not sign', () => {
    const foreign = issueCertificate(createRootCa('Foreign CA'), {
      subject: psSubject({ idNat: '810000000033', family: 'X', given: 'Y', professionLabel: 'Z' }),
      kind: 'client',
    });
    writeFileSync(pki.personas.infirmier.certPath, foreign.certPem);
    writeFileSync(pki.personas.infirmier.keyPath, foreign.keyPem);

    ensureDevPki(pki.dir, ['gateway.test']);

    expect(
      certificateAt(pki.personas.infirmier.certPath).checkIssued(certificateAt(pki.caPath)),
    ).toBe(true);
  });

  it('re-issues the server certificate for a new host name, keeping the CA', () => {
    const before = snapshot();

    ensureDevPki(pki.dir, ['gateway.test', 'passerelle.local']);

    expect(certificateAt(pki.serverCertPath).checkHost('passerelle.local')).toBe(
      'passerelle.local',
    );
    expect(snapshot()['ca.pem']).toBe(before['ca.pem']);
  });

  it('re-issues everything when the CA is gone', () => {
    const before = snapshot();
    unlinkSync(pki.caPath);

    ensureDevPki(pki.dir);
    const after = snapshot();

    for (const name of Object.keys(before).filter((file) => file.endsWith('.pem'))) {
      expect(after[name]).not.toBe(before[name]);
    }
  });
});

function withoutPharmacien(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(files).filter(([name]) => !name.startsWith('pharmacien')),
  );
}
