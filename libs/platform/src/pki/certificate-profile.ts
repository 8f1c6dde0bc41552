import type { X509Certificate } from 'node:crypto';
import {
  DomainError,
  type OrganisationPrincipal,
  type CertifiedPrincipal,
  type ProfessionalPrincipal,
} from '@passerelle/domain';

type Subject = ReadonlyMap<string, string>;
type CertificateIdentity = ProfessionalPrincipal['certificate'];

/**
 * A FINESS number: the département (two digits, 2A/2B for Corsica, 9A–9F overseas, 0B as the
 * ANS test structures have it), then seven digits.
 */
const FINESS = String.raw`\d[\dA-F]\d{7}`;
/** idNat_PS: 8+RPPS, 0+ADELI, or 3+FINESS+'/'+the establishment's internal id (CPE). */
const ID_NAT_PS = new RegExp(String.raw`^(?:8\d{11}|0\d{9}|3${FINESS}/[0-9A-Za-z._-]{1,40})$`);
/**
 * Structure idNat (TRE_G07): 1+FINESS, 2+SIREN, 3+SIRET, or 4+RPPS+rang — a practice (cabinet)
 * identified by its practitioner's RPPS and a three-digit rank, e.g. 499700367909006.
 */
const ID_NAT_STRUCTURE = new RegExp(String.raw`^(?:1${FINESS}|2\d{9}|3\d{14}|4\d{14})$`);

/** TRE_G15 codes, keyed by the normalised T= label (see normaliseLabel). */
const PROFESSION_CODES: Readonly<Record<string, string>> = {
  medecin: '10',
  pharmacien: '21',
  'chirurgien dentiste': '40',
  'sage femme': '50',
  infirmier: '60',
  'masseur kinesitherapeute': '70',
  'pedicure podologue': '80',
  'technicien de laboratoire': '86',
};

/** A person's attributes: with them the subject is a PS, whose O/OU name where it practises. */
const PS_ATTRIBUTES = ['SN', 'GN', 'title'];

/**
 * The principal a verified client certificate stands for, from its subject (ANS IGC-Santé
 * style PS or ORG profile). The chain itself must already have been verified by TLS.
 */
export function principalFromCertificate(cert: X509Certificate): CertifiedPrincipal {
  const subject = parseSubject(cert.subject);
  if (subject.get('C') !== 'FR') throw unauthenticated('Certificate subject country is not FR');
  const identity: CertificateIdentity = {
    serialNumber: cert.serialNumber,
    issuer: cert.issuer,
    fingerprint256: cert.fingerprint256,
  };
  if (PS_ATTRIBUTES.some((key) => subject.has(key))) return professionalFrom(subject, identity);
  if (subject.has('O') || subject.has('OU')) return organisationFrom(subject, identity);
  throw unauthenticated('Certificate subject matches neither the PS nor the ORG profile');
}

/** TRE_G15 profession code for a certificate T= label, ignoring case, accents and hyphens. */
export function professionCodeFromLabel(label: string): string | undefined {
  return PROFESSION_CODES[normaliseLabel(label)];
}

function professionalFrom(
  subject: Subject,
  certificate: CertificateIdentity,
): ProfessionalPrincipal {
  const subjectId = required(subject, 'CN');
  if (!ID_NAT_PS.test(subjectId)) throw unauthenticated(`CN is not an idNat_PS: ${subjectId}`);
  const professionLabel = required(subject, 'title');
  const professionCode = professionCodeFromLabel(professionLabel);
  const structureId = subject.has('OU') ? structureIdOf(subject) : undefined;
  return {
    kind: 'PS',
    subjectId,
    family: required(subject, 'SN'),
    given: required(subject, 'GN'),
    professionCode,
    professionLabel,
    authenticationMode: 'DIRECTE',
    purposeOfUse: 'normal',
    roles: professionCode ? [professionCode] : [],
    ...(structureId ? { structureId } : {}),
    certificate,
  };
}

function organisationFrom(
  subject: Subject,
  certificate: CertificateIdentity,
): OrganisationPrincipal {
  const subjectId = structureIdOf(subject);
  return {
    kind: 'ORG',
    subjectId,
    serviceName: required(subject, 'CN'),
    organisationName: required(subject, 'O'),
    authenticationMode: 'INDIRECTE',
    purposeOfUse: 'normal',
    roles: [],
    structureId: subjectId,
    certificate,
  };
}

function structureIdOf(subject: Subject): string {
  const structureId = required(subject, 'OU');
  if (!ID_NAT_STRUCTURE.test(structureId)) {
    throw unauthenticated(`OU is not a structure idNat: ${structureId}`);
  }
  return structureId;
}

function required(subject: Subject, key: string): string {
  const value = subject.get(key);
  if (!value) throw unauthenticated(`Certificate subject has no ${key}`);
  return value;
}

function normaliseLabel(label: string): string {
  return label
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s\-‐–_]+/g, ' ')
    .trim();
}

interface SubjectChar {
  readonly char: string;
  readonly escaped: boolean;
}

/**
 * Node prints the subject one RDN per line, in DER order, with OpenSSL short names (`title` for
 * T) and RFC 2253 escaping (`\,` `\+` `\ `, control characters as `\0A`); the attributes of a
 * multi-valued RDN share a line, joined by ` + `. Both that form and one attribute per line give
 * the same map. A repeated attribute is refused: which one names the subject would be ambiguous.
 */
function parseSubject(printed: string): Subject {
  const subject = new Map<string, string>();
  for (const attribute of splitUnescaped(unescape(printed), /[\n+]/)) {
    const [key, value] = keyAndValue(trimUnescaped(attribute));
    if (subject.has(key)) throw unauthenticated(`Certificate subject repeats ${key}`);
    subject.set(key, value);
  }
  return subject;
}

function keyAndValue(attribute: SubjectChar[]): [string, string] {
  const equals = attribute.findIndex(({ char, escaped }) => char === '=' && !escaped);
  if (equals <= 0) throw unauthenticated('Certificate subject is malformed');
  const value = text(attribute.slice(equals + 1));
  // Control characters have no place in a name and would forge lines in logs.
  if (/\p{Cc}/u.test(value)) throw unauthenticated('Certificate subject has control characters');
  return [text(attribute.slice(0, equals)), value];
}

function unescape(printed: string): SubjectChar[] {
  const chars: SubjectChar[] = [];
  for (let i = 0; i < printed.length; i++) {
    if (printed[i] !== '\\') {
      chars.push({ char: printed[i], escaped: false });
    } else if (/^[0-9A-Fa-f]{2}$/.test(printed.slice(i + 1, i + 3))) {
      chars.push({
        char: String.fromCharCode(parseInt(printed.slice(i + 1, i + 3), 16)),
        escaped: true,
      });
      i += 2;
    } else {
      chars.push({ char: printed[++i] ?? '', escaped: true });
    }
  }
  return chars;
}

function splitUnescaped(chars: SubjectChar[], separator: RegExp): SubjectChar[][] {
  const parts: SubjectChar[][] = [[]];
  for (const c of chars) {
    if (!c.escaped && separator.test(c.char)) parts.push([]);
    else parts[parts.length - 1].push(c);
  }
  return parts.filter((part) => part.some(({ char }) => char.trim() !== ''));
}

function trimUnescaped(chars: SubjectChar[]): SubjectChar[] {
  const isPadding = (c: SubjectChar | undefined) => c !== undefined && !c.escaped && c.char === ' ';
  let start = 0;
  let end = chars.length;
  while (isPadding(chars[start])) start++;
  while (end > start && isPadding(chars[end - 1])) end--;
  return chars.slice(start, end);
}

function text(chars: SubjectChar[]): string {
  return chars.map(({ char }) => char).join('');
}

function unauthenticated(reason: string): DomainError {
  return new DomainError('UNAUTHENTICATED', reason);
}
