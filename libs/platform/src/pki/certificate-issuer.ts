import {
  X509Certificate,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign,
} from 'node:crypto';
import * as forge from 'node-forge';

const { asn1, pki } = forge;
type Asn1 = forge.asn1.Asn1;

/** A certificate and its private key, both PEM (the key is unencrypted PKCS#8). */
export interface IssuedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

export type NameAttributeType = 'C' | 'O' | 'OU' | 'CN' | 'SN' | 'GN' | 'T';

export interface NameAttribute {
  readonly type: NameAttributeType;
  readonly value: string;
}

/** One RDN: several attributes here make a multi-valued RDN such as CN+SN+GN. */
export type RelativeName = readonly NameAttribute[];

/** RDNs in DER order (most significant first: C, then O, …), as OpenSSL prints them. */
export type SubjectName = readonly RelativeName[];

export interface CertificateRequest {
  readonly subject: SubjectName;
  /** `ocsp-signing`: a delegated OCSP responder's certificate (id-kp-OCSPSigning). */
  readonly kind: 'server' | 'client' | 'ocsp-signing';
  /** An Authority Information Access extension naming this OCSP responder. */
  readonly ocspUrl?: string;
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Hex; a random positive 128-bit serial when absent. */
  readonly serialNumber?: string;
}

const ATTRIBUTE_OIDS: Record<NameAttributeType, string> = {
  C: '2.5.4.6',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  CN: '2.5.4.3',
  SN: '2.5.4.4',
  GN: '2.5.4.42',
  T: '2.5.4.12',
};

const SHA256_WITH_RSA = pki.oids.sha256WithRSAEncryption;
const OID_AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';
const OID_CRL_NUMBER = '2.5.29.20';
const OID_AUTHORITY_INFO_ACCESS = '1.3.6.1.5.5.7.1.1';
const OID_AD_OCSP = '1.3.6.1.5.5.7.48.1';
const DAY_MS = 24 * 60 * 60 * 1000;
// Tolerates clock skew between the issuing host and the verifying peer.
const BACKDATE_MS = 60 * 60 * 1000;
const DEFAULT_CA_DAYS = 3650;
const DEFAULT_LEAF_DAYS = 397;
const DEFAULT_CRL_DAYS = 7;

// Public in node-forge but missing from @types/node-forge.
const getTBSCertificate = (
  pki as unknown as { getTBSCertificate: (cert: forge.pki.Certificate) => Asn1 }
).getTBSCertificate;

export function createRootCa(
  commonName: string,
  opts: { validDays?: number } = {},
): IssuedCertificate {
  const keys = generateRsaKeys();
  const name = nameToAsn1([[{ type: 'CN', value: commonName }]]);
  const notBefore = backdatedNow();
  const publicKey = pki.publicKeyFromPem(keys.publicKeyPem);
  const certPem = signCertificate(
    {
      subject: name,
      issuerName: name,
      publicKey,
      serialHex: randomSerialHex(),
      notBefore,
      notAfter: addDays(notBefore, opts.validDays ?? DEFAULT_CA_DAYS),
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
        { name: 'subjectKeyIdentifier' },
        { name: 'authorityKeyIdentifier', keyIdentifier: subjectKeyIdentifierOf(publicKey) },
      ],
    },
    keys.privateKeyPem,
  );
  return { certPem, keyPem: keys.privateKeyPem };
}

export function issueCertificate(
  issuer: IssuedCertificate,
  request: CertificateRequest,
): IssuedCertificate {
  const authority = loadAuthority(issuer);
  const keys = generateRsaKeys();
  const notBefore = request.notBefore ?? backdatedNow();
  const certPem = signCertificate(
    {
      subject: nameToAsn1(request.subject),
      issuerName: authority.name,
      publicKey: pki.publicKeyFromPem(keys.publicKeyPem),
      serialHex: request.serialNumber ? positiveSerialHex(request.serialNumber) : randomSerialHex(),
      notBefore,
      notAfter: request.notAfter ?? addDays(notBefore, DEFAULT_LEAF_DAYS),
      extensions: leafExtensions(request, authority.keyIdentifier),
    },
    authority.keyPem,
  );
  return { certPem, keyPem: keys.privateKeyPem };
}

/** Subject of a PS (health professional) certificate: C=FR, T=<label>, CN=<idNat>+SN+GN. */
export function psSubject(ps: {
  idNat: string;
  family: string;
  given: string;
  professionLabel: string;
}): SubjectName {
  return [
    [{ type: 'C', value: 'FR' }],
    [{ type: 'T', value: ps.professionLabel }],
    [
      { type: 'CN', value: ps.idNat },
      { type: 'SN', value: ps.family },
      { type: 'GN', value: ps.given },
    ],
  ];
}

/** Subject of an ORG (establishment system) certificate: C=FR, O=<legal name>, OU=<idNat>, CN. */
export function orgSubject(org: {
  serviceName: string;
  structureId: string;
  organisationName: string;
}): SubjectName {
  return [
    [{ type: 'C', value: 'FR' }],
    [{ type: 'O', value: org.organisationName }],
    [{ type: 'OU', value: org.structureId }],
    [{ type: 'CN', value: org.serviceName }],
  ];
}

/**
 * A PEM X.509 v2 CRL signed by `issuer`; serials are hex as Node prints them. Once it is past
 * nextUpdate (default 7 days), Node refuses every client with CRL_HAS_EXPIRED.
 */
export function issueCrl(
  issuer: IssuedCertificate,
  revokedSerials: string[],
  opts: { validDays?: number } = {},
): string {
  const authority = loadAuthority(issuer);
  const thisUpdate = backdatedNow();
  const tbsCertList = sequence([
    integer('01'),
    signatureAlgorithm(),
    authority.name,
    timeToAsn1(thisUpdate),
    timeToAsn1(addDays(thisUpdate, opts.validDays ?? DEFAULT_CRL_DAYS)),
    ...revokedCertificates(revokedSerials, thisUpdate),
    crlExtensions(authority.keyIdentifier, thisUpdate),
  ]);
  return toPem('X509 CRL', signStructure(tbsCertList, authority.keyPem));
}

interface TbsInput {
  readonly subject: Asn1;
  readonly issuerName: Asn1;
  readonly publicKey: forge.pki.PublicKey;
  readonly serialHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: readonly object[];
}

interface Authority {
  readonly name: Asn1;
  readonly keyIdentifier: string;
  readonly keyPem: string;
}

function generateRsaKeys(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/**
 * forge builds the TBSCertificate (validity, key, extensions), but its Name encoder knows neither
 * multi-valued RDNs nor UTF8String by default, so subject and issuer are swapped in as ASN.1 we
 * encode ourselves. Signing uses Node's native RSA, much faster than forge's.
 */
function signCertificate(input: TbsInput, signerKeyPem: string): string {
  const cert = pki.createCertificate();
  cert.publicKey = input.publicKey;
  cert.serialNumber = input.serialHex;
  cert.validity.notBefore = input.notBefore;
  cert.validity.notAfter = input.notAfter;
  cert.siginfo.algorithmOid = SHA256_WITH_RSA;
  cert.setExtensions([...input.extensions]);
  const tbs = getTBSCertificate(cert);
  const fields = tbs.value as Asn1[];
  fields[3] = input.issuerName;
  fields[5] = input.subject;
  return toPem('CERTIFICATE', signStructure(tbs, signerKeyPem));
}

function signStructure(tbs: Asn1, keyPem: string): Buffer {
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign('sha256', tbsDer, keyPem);
  const signed = sequence([
    tbs,
    signatureAlgorithm(),
    asn1.create(
      asn1.Class.UNIVERSAL,
      asn1.Type.BITSTRING,
      false,
      '\x00' + signature.toString('binary'),
    ),
  ]);
  return Buffer.from(asn1.toDer(signed).getBytes(), 'binary');
}

function leafExtensions(request: CertificateRequest, authorityKeyId: string): object[] {
  const altNames = [
    ...(request.dnsNames ?? []).map((value) => ({ type: 2, value })),
    ...(request.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
  ];
  return [
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', [EXTENDED_KEY_USAGES[request.kind]]: true },
    ...(altNames.length > 0 ? [{ name: 'subjectAltName', altNames }] : []),
    ...(request.ocspUrl ? [authorityInfoAccess(request.ocspUrl)] : []),
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: authorityKeyId },
  ];
}

const EXTENDED_KEY_USAGES: Record<CertificateRequest['kind'], string> = {
  server: 'serverAuth',
  client: 'clientAuth',
  'ocsp-signing': '1.3.6.1.5.5.7.3.9', // id-kp-OCSPSigning: forge has no name for it
};

/** AuthorityInfoAccessSyntax with one id-ad-ocsp access description (a URI GeneralName). */
function authorityInfoAccess(url: string): object {
  const description = sequence([
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID_AD_OCSP).getBytes()),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 6, false, url),
  ]);
  return { id: OID_AUTHORITY_INFO_ACCESS, value: sequence([description]) };
}

function loadAuthority(issuer: IssuedCertificate): Authority {
  const x509 = new X509Certificate(issuer.certPem);
  if (!x509.checkPrivateKey(createPrivateKey(issuer.keyPem))) {
    throw new Error('Issuer key does not match the issuer certificate');
  }
  const certAsn1 = asn1.fromDer(x509.raw.toString('binary'));
  const cert = pki.certificateFromAsn1(certAsn1);
  const ski: { subjectKeyIdentifier?: string } | undefined =
    cert.getExtension('subjectKeyIdentifier');
  return {
    name: subjectNameOf(certAsn1),
    keyIdentifier: ski?.subjectKeyIdentifier
      ? forge.util.hexToBytes(ski.subjectKeyIdentifier)
      : subjectKeyIdentifierOf(cert.publicKey),
    keyPem: issuer.keyPem,
  };
}

/** The issuer's subject Name exactly as encoded, so children's issuer field matches byte for byte. */
function subjectNameOf(certAsn1: Asn1): Asn1 {
  const tbsFields = (certAsn1.value as Asn1[])[0].value as Asn1[];
  const hasVersion = tbsFields[0].tagClass === asn1.Class.CONTEXT_SPECIFIC;
  return tbsFields[hasVersion ? 5 : 4];
}

function subjectKeyIdentifierOf(publicKey: forge.pki.PublicKey): string {
  return pki.getPublicKeyFingerprint(publicKey, { type: 'RSAPublicKey' }).getBytes();
}

function nameToAsn1(name: SubjectName): Asn1 {
  if (name.length === 0 || name.some((rdn) => rdn.length === 0)) {
    throw new Error('A subject needs at least one attribute and no empty RDN');
  }
  return sequence(name.map(relativeNameToAsn1));
}

function relativeNameToAsn1(rdn: RelativeName): Asn1 {
  // DER orders SET OF members by their encoding.
  const members = rdn.map(attributeToAsn1).sort((a, b) => compareDer(a, b));
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, members);
}

function attributeToAsn1(attribute: NameAttribute): Asn1 {
  return sequence([oid(ATTRIBUTE_OIDS[attribute.type]), attributeValue(attribute)]);
}

function attributeValue({ type, value }: NameAttribute): Asn1 {
  if (type === 'C') {
    if (!/^[A-Z]{2}$/.test(value)) throw new Error(`Invalid country code: ${value}`);
    return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.PRINTABLESTRING, false, value);
  }
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTF8, false, forge.util.encodeUtf8(value));
}

function compareDer(a: Asn1, b: Asn1): number {
  const left = asn1.toDer(a).getBytes();
  const right = asn1.toDer(b).getBytes();
  return left < right ? -1 : left > right ? 1 : 0;
}

function revokedCertificates(serials: readonly string[], revocationDate: Date): Asn1[] {
  if (serials.length === 0) return []; // RFC 5280: absent, not empty, when nothing is revoked
  const entries = serials.map((serial) =>
    sequence([integer(positiveSerialHex(serial)), timeToAsn1(revocationDate)]),
  );
  return [sequence(entries)];
}

function crlExtensions(authorityKeyId: string, thisUpdate: Date): Asn1 {
  // Seconds since the epoch: increases across re-issues without keeping state.
  const crlNumber = Math.floor(thisUpdate.getTime() / 1000).toString(16);
  const authorityKeyIdentifier = sequence([
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, authorityKeyId),
  ]);
  return asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
    sequence([
      extension(OID_AUTHORITY_KEY_IDENTIFIER, authorityKeyIdentifier),
      extension(OID_CRL_NUMBER, integer(positiveSerialHex(crlNumber))),
    ]),
  ]);
}

function extension(extnId: string, value: Asn1): Asn1 {
  const encoded = asn1.toDer(value).getBytes();
  return sequence([
    oid(extnId),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, encoded),
  ]);
}

function signatureAlgorithm(): Asn1 {
  return sequence([
    oid(SHA256_WITH_RSA),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
  ]);
}

function timeToAsn1(date: Date): Asn1 {
  // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050.
  return date.getUTCFullYear() < 2050
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(
        asn1.Class.UNIVERSAL,
        asn1.Type.GENERALIZEDTIME,
        false,
        asn1.dateToGeneralizedTime(date),
      );
}

function sequence(members: Asn1[]): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, members);
}

function oid(dotted: string): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(dotted).getBytes());
}

function integer(hex: string): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, forge.util.hexToBytes(hex));
}

function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x40; // positive, and no leading zero byte to strip
  return bytes.toString('hex');
}

/** Minimal two's-complement hex of a non-negative serial given as hex (colons allowed). */
function positiveSerialHex(serial: string): string {
  const digits = serial.replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(digits)) throw new Error(`Invalid serial number: ${serial}`);
  const trimmed = digits.replace(/^0+/, '') || '0';
  const even = trimmed.length % 2 === 0 ? trimmed : `0${trimmed}`;
  return parseInt(even[0], 16) >= 8 ? `00${even}` : even;
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function backdatedNow(): Date {
  return new Date(Date.now() - BACKDATE_MS);
}

function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}
