import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { OrganisationPrincipal } from '@passerelle/domain';
import { principalFromCertificate } from '@passerelle/platform';
import { invalidInput, messageWithCause } from '../cli-error';

export interface IdentityFiles {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

/**
 * The feeding structure the import acts as: the ORG certificate it would present to ITI-65,
 * issued by the CA given, with its private key (so naming a structure takes holding its
 * credentials) — read into the principal exactly as the gateway reads a client certificate.
 */
export function importingStructure(files: IdentityFiles): OrganisationPrincipal {
  const cert = new X509Certificate(readPem(files.cert, '--cert'));
  const ca = new X509Certificate(readPem(files.ca, '--ca'));
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) {
    throw invalidInput(`--cert ${files.cert} is not issued by --ca ${files.ca}`);
  }
  const key = createPrivateKey(readPem(files.key, '--key'));
  if (!cert.checkPrivateKey(key)) {
    throw invalidInput(`--key ${files.key} is not the private key of --cert ${files.cert}`);
  }
  const principal = principalFromCertificate(cert);
  if (principal.kind !== 'ORG') {
    throw invalidInput(
      `--cert must be a structure's ORG certificate, got a PS one (${principal.subjectId})`,
    );
  }
  return principal;
}

function readPem(path: string, option: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw invalidInput(`${option} ${path}: ${messageWithCause(error)}`);
  }
}
