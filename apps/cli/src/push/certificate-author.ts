import { Author, CertifiedPrincipal, DomainError } from '@passerelle/domain';
import { principalFromCertificate } from '@passerelle/platform';
import { X509Certificate } from 'node:crypto';
import { invalidInput, messageWithCause } from '../cli-error';

const ID_NAT_PS_OID = '1.2.250.1.71.4.2.1';
const ID_NAT_STRUCTURE_OID = '1.2.250.1.71.4.2.2';

/**
 * The holder of the client certificate as an XDS author: the professional of a PS certificate,
 * the establishment of an ORG certificate (a system, never a person). Undefined for a
 * certificate of neither profile: the gateway will refuse it anyway.
 */
export function authorFromCertificate(pem: Buffer): Author | undefined {
  const principal = principalOf(certificateOf(pem));
  if (!principal) return undefined;
  const empty = { institutions: [], roles: [], specialties: [], telecom: [] };
  if (principal.kind === 'PS') {
    const { subjectId, family, given } = principal;
    return {
      ...empty,
      person: { id: subjectId, assigningAuthority: ID_NAT_PS_OID, family, given },
    };
  }
  const institution = {
    name: principal.organisationName,
    id: principal.subjectId,
    assigningAuthority: ID_NAT_STRUCTURE_OID,
  };
  return { ...empty, institutions: [institution] };
}

function certificateOf(pem: Buffer): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw invalidInput(`--cert is not a PEM certificate: ${messageWithCause(error)}`);
  }
}

function principalOf(certificate: X509Certificate): CertifiedPrincipal | undefined {
  try {
    return principalFromCertificate(certificate);
  } catch (error) {
    if (error instanceof DomainError) return undefined;
    throw error;
  }
}
