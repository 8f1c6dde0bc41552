import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import {
  type CertificateRequest,
  type IssuedCertificate,
  createRootCa,
  issueCertificate,
  orgSubject,
  psSubject,
} from './certificate-issuer';

export interface PsPersona {
  readonly kind: 'PS';
  /** idNat_PS, written as the certificate CN. */
  readonly idNat: string;
  readonly family: string;
  readonly given: string;
  readonly professionLabel: string;
  readonly description: string;
}

export interface OrgPersona {
  readonly kind: 'ORG';
  /** Structure idNat, written as the certificate OU. */
  readonly idNat: string;
  readonly serviceName: string;
  readonly organisationName: string;
  readonly description: string;
}

export type DevPersona = PsPersona | OrgPersona;

/** Test identities only: the RPPS numbers carry a valid Luhn key but belong to no one. */
export const DEV_PERSONAS = {
  'medecin-generaliste': {
    kind: 'PS',
    idNat: '810000000017',
    family: 'MARTIN',
    given: 'Jeanne',
    professionLabel: 'Médecin',
    description: 'PS: Dr Jeanne MARTIN, médecin généraliste (RPPS)',
  },
  pharmacien: {
    kind: 'PS',
    idNat: '810000000025',
    family: 'DURAND',
    given: 'Paul',
    professionLabel: 'Pharmacien',
    description: 'PS: Paul DURAND, pharmacien (RPPS)',
  },
  infirmier: {
    kind: 'PS',
    idNat: '0759912345',
    family: 'PETIT',
    given: 'Claire',
    professionLabel: 'Infirmier',
    description: 'PS: Claire PETIT, infirmière (ADELI)',
  },
  'hopital-org': {
    kind: 'ORG',
    idNat: '1750000000',
    serviceName: 'Service Imagerie',
    organisationName: 'Centre Hospitalier de Test',
    description: 'ORG: imaging department system of a hospital (FINESS 750000000)',
  },
  'laboratoire-org': {
    kind: 'ORG',
    idNat: '1690000000',
    serviceName: 'Système de gestion de laboratoire',
    organisationName: 'Laboratoire de Biologie Médicale de Test',
    description: 'ORG: medical laboratory information system (FINESS 690000000)',
  },
} as const satisfies Record<string, DevPersona>;

export type DevPersonaName = keyof typeof DEV_PERSONAS;

export interface DevPersonaFiles {
  readonly certPath: string;
  readonly keyPath: string;
  readonly description: string;
}

export interface DevPki {
  readonly dir: string;
  readonly caPath: string;
  /** Kept beside the CA so tests can issue more certificates or CRLs. */
  readonly caKeyPath: string;
  readonly serverCertPath: string;
  readonly serverKeyPath: string;
  readonly personas: Record<string, DevPersonaFiles>;
}

interface FilePair {
  readonly certPath: string;
  readonly keyPath: string;
}

const CA_NAME = 'Passerelle Dev CA (NOT FOR PRODUCTION)';

/**
 * A development PKI under `dir`: a CA, a TLS server certificate and one client certificate per
 * persona. Files already there are reused; only missing, expired or foreign ones are issued,
 * and a new CA re-issues everything.
 */
export function ensureDevPki(dir: string, hostNames: readonly string[] = []): DevPki {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caFiles = pairIn(dir, 'ca');
  const reuseCa = isUsable(caFiles);
  const ca = reuseCa ? readPair(caFiles) : writePair(caFiles, createRootCa(CA_NAME));
  const server = ensureServer(dir, ca, hostNames, !reuseCa);
  const personas = Object.fromEntries(
    personaEntries().map(([name, persona]) => [
      name,
      {
        ...ensureLeaf(pairIn(dir, name), ca, personaRequest(persona), !reuseCa),
        description: persona.description,
      },
    ]),
  );
  ensureText(join(dir, 'personas.json'), personasJson(), !reuseCa);
  ensureText(join(dir, 'README.txt'), readme(), !reuseCa);
  return {
    dir,
    caPath: caFiles.certPath,
    caKeyPath: caFiles.keyPath,
    serverCertPath: server.certPath,
    serverKeyPath: server.keyPath,
    personas,
  };
}

function ensureServer(
  dir: string,
  ca: IssuedCertificate,
  hostNames: readonly string[],
  force: boolean,
): FilePair {
  const files = pairIn(dir, 'server');
  const names = [...new Set(['localhost', '127.0.0.1', '::1', ...hostNames])];
  const request: CertificateRequest = {
    subject: [[{ type: 'CN', value: hostNames[0] ?? 'localhost' }]],
    kind: 'server',
    dnsNames: names.filter((name) => isIP(name) === 0),
    ipAddresses: names.filter((name) => isIP(name) !== 0),
  };
  const missesName = isUsable(files, ca) && !coversNames(files.certPath, names);
  return ensureLeaf(files, ca, request, force || missesName);
}

function ensureLeaf(
  files: FilePair,
  ca: IssuedCertificate,
  request: CertificateRequest,
  force: boolean,
): FilePair {
  if (force || !isUsable(files, ca)) writePair(files, issueCertificate(ca, request));
  return files;
}

function personaRequest(persona: DevPersona): CertificateRequest {
  const subject =
    persona.kind === 'PS'
      ? psSubject(persona)
      : orgSubject({
          serviceName: persona.serviceName,
          structureId: persona.idNat,
          organisationName: persona.organisationName,
        });
  return { subject, kind: 'client' };
}

/** Both files present, certificate unexpired and, for a leaf, signed by `ca`. */
function isUsable(files: FilePair, ca?: IssuedCertificate): boolean {
  if (!existsSync(files.certPath) || !existsSync(files.keyPath)) return false;
  const cert = new X509Certificate(readFileSync(files.certPath));
  if (Date.parse(cert.validTo) <= Date.now()) return false;
  if (!ca) return true;
  const caCert = new X509Certificate(ca.certPem);
  return cert.checkIssued(caCert) && cert.verify(caCert.publicKey);
}

function coversNames(certPath: string, names: readonly string[]): boolean {
  const cert = new X509Certificate(readFileSync(certPath));
  return names.every((name) =>
    isIP(name) === 0 ? cert.checkHost(name) !== undefined : cert.checkIP(name) !== undefined,
  );
}

function pairIn(dir: string, name: string): FilePair {
  return { certPath: join(dir, `${name}.pem`), keyPath: join(dir, `${name}-key.pem`) };
}

function readPair(files: FilePair): IssuedCertificate {
  return {
    certPem: readFileSync(files.certPath, 'utf8'),
    keyPem: readFileSync(files.keyPath, 'utf8'),
  };
}

function writePair(files: FilePair, issued: IssuedCertificate): IssuedCertificate {
  writeFileSync(files.certPath, issued.certPem, { mode: 0o644 });
  writeFileSync(files.keyPath, issued.keyPem, { mode: 0o600 });
  // writeFileSync applies `mode` only when it creates the file.
  chmodSync(files.keyPath, 0o600);
  return issued;
}

function ensureText(path: string, content: string, force: boolean): void {
  if (force || !existsSync(path)) writeFileSync(path, content);
}

function personaEntries(): [DevPersonaName, DevPersona][] {
  return Object.entries(DEV_PERSONAS) as [DevPersonaName, DevPersona][];
}

function personasJson(): string {
  const described = Object.fromEntries(
    personaEntries().map(([name, persona]) => [
      name,
      { certFile: `${name}.pem`, keyFile: `${name}-key.pem`, ...persona },
    ]),
  );
  return `${JSON.stringify(described, null, 2)}\n`;
}

function readme(): string {
  const personaLines = personaEntries().map(
    ([name, persona]) => `  ${name}.pem / ${name}-key.pem  ${persona.description}`,
  );
  return [
    'Passerelle development PKI - NOT FOR PRODUCTION.',
    '',
    'ca.pem / ca-key.pem          the development CA (trust anchor for server and clients)',
    'server.pem / server-key.pem  the gateway TLS certificate (localhost, 127.0.0.1, ::1, ...)',
    'Client certificates, one per persona (details in personas.json):',
    ...personaLines,
    '',
    'Example:',
    '  curl --cacert ca.pem --cert medecin-generaliste.pem --key medecin-generaliste-key.pem \\',
    '    https://localhost:8443/',
    '',
    'Delete this directory to regenerate everything.',
    '',
  ].join('\n');
}
