import { randomUUID } from 'node:crypto';

/**
 * A fresh, globally unique OID: the `2.25` arc derives OIDs from UUIDs (ITU-T X.667), so runs
 * against any registry never collide with each other or with another vendor's uniqueIds.
 */
export function freshUniqueId(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;
}

const UNIQUE_ID_SCHEMES = [
  'urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab',
  'urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8',
  'urn:uuid:75df8f67-9973-4fbe-a900-df66cefecc5a',
];
const TEMPLATE_PATIENTS = [
  'SELF-5^^^&amp;1.3.6.1.4.1.21367.2005.3.7&amp;ISO',
  '$patientid$',
  '$patient_id$',
];
const OID = /^[0-2](\.(0|[1-9]\d*))+$/;
const REFERENCE_ATTRIBUTES = [
  'id',
  'lid',
  'classifiedObject',
  'registryObject',
  'sourceObject',
  'targetObject',
];

/** The code systems of the national value sets (fixtures/terminology/value-sets.json). */
const NATIONAL_SYSTEMS = new Set([
  '1.2.250.1.213.1.1.4.1',
  '2.16.840.1.113883.6.1',
  '1.2.250.1.213.1.1.4.12',
  '2.16.840.1.113883.5.25',
  '1.2.250.1.213.1.1.4.13',
  '1.2.250.1.71.4.2.4',
  '1.2.250.1.213.1.1.4.6',
  '1.2.250.1.213.1.1.4.9',
]);

const FORMAT_CODE_SCHEME = 'urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d';
const CONTENT_TYPE_SCHEME = 'urn:uuid:aa543740-bdda-424e-8c96-df4873be8500';

/**
 * Where an attribute's value set has its own code systems, those alone are national for it:
 * JDV_J60's French ones (IHE's own 1.3.6.1.4.1.19376.1.2.3 holds the templates' Connectathon
 * codes, `urn:ihe:rad:TEXT`), JDV_J59's (a LOINC contentTypeCode is no TRE_R209 one).
 */
const NATIONAL_SYSTEMS_BY_SCHEME: Readonly<Record<string, ReadonlySet<string>>> = {
  [FORMAT_CODE_SCHEME]: new Set(['1.2.250.1.213.1.1.4.2.282', '1.2.840.10008.2.6.1', 'URN']),
  [CONTENT_TYPE_SCHEME]: new Set([
    '1.2.250.1.213.1.1.4.6',
    '1.2.250.1.213.1.6.1.128',
    '1.2.250.1.213.2.2',
    '1.2.250.1.71.4.2.4',
  ]),
};

/**
 * The codes of the French affinity domain (ANS value sets) given to a template's
 * classifications coded in another domain's code system, by XDS classification scheme: the NIST
 * templates carry the Connectathon's codes.
 */
const NATIONAL_CODES: Readonly<
  Record<string, (code: string) => readonly [string, string, string]>
> = {
  // classCode: JDV_J57 (TRE_A03)
  'urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a': () => [
    '10',
    '1.2.250.1.213.1.1.4.1',
    'Compte rendu',
  ],
  // typeCode: JDV_J07 (LOINC)
  'urn:uuid:f0306f51-975f-434e-a61c-c59651d33983': () => [
    '11488-4',
    '2.16.840.1.113883.6.1',
    'CR de consultation',
  ],
  // formatCode: JDV_J60 — IHE's Antepartum Summary its French counterpart (TRE_A06), any other
  // the mimeTypeSufficient (TRE_A11) the gateway gives a non-CDA document
  [FORMAT_CODE_SCHEME]: (code) =>
    code === 'urn:ihe:pcc:aps:2007'
      ? ['urn:asip:ci-sis:obp-sap:2023', '1.2.250.1.213.1.1.4.2.282', 'Synthèse antepartum']
      : [
          'urn:ihe:iti:xds:2017:mimeTypeSufficient',
          '1.3.6.1.4.1.19376.1.2.3',
          'mimeType Sufficient',
        ],
  // SubmissionSet contentTypeCode: JDV_J59 (TRE_R209)
  [CONTENT_TYPE_SCHEME]: () => ['07', '1.2.250.1.213.2.2', 'Consultations soins externes'],
  // confidentialityCode: JDV_J58 (HL7 Confidentiality N, R, V)
  'urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f': (code) =>
    ['R', 'V'].includes(code)
      ? [code, '2.16.840.1.113883.5.25', code === 'R' ? 'Restreint' : 'Très restreint']
      : ['N', '2.16.840.1.113883.5.25', 'Normal'],
  // healthcareFacilityTypeCode: JDV_J02 (TRE_R02)
  'urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1': () => [
    'SA01',
    '1.2.250.1.71.4.2.4',
    'Etablissement public de santé',
  ],
  // practiceSettingCode: JDV_J04 (TRE_A01)
  'urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead': () => [
    'ETABLISSEMENT',
    '1.2.250.1.213.1.1.4.9',
    'Etablissement de santé',
  ],
};

export interface TemplateBindings {
  readonly patient: string;
  /** Replaces `$altpatientid$` (NIST: an id the registry does not know, or a second patient). */
  readonly altPatient?: string;
  /**
   * Object id (`Document01`) → the OID drawn as its uniqueId (NIST "AssignedUids"); pre-filled
   * entries are reused, so that steps can resubmit the same uniqueIds.
   */
  readonly uniqueIds?: Map<string, string>;
  /**
   * NIST `<AssignUuids/>`: when given, symbolic object ids (`Document01`) become fresh
   * `urn:uuid:` entryUUIDs, everywhere they are referenced, recorded here (symbol → urn:uuid).
   */
  readonly entryUuids?: Map<string, string>;
}

/**
 * Instantiates a NIST toolkit metadata template as the toolkit does before sending: patient ids
 * replaced by registered ones, every symbolic uniqueId by a fresh OID (one per object, whatever
 * its symbol: two entries may share one in a template), and, when asked, symbolic object ids by
 * fresh entryUUIDs. A uniqueId that is already an OID is kept. Like its patient ids, its codes
 * are the Connectathon affinity domain's: those not in the national code system of their
 * attribute become national ones.
 */
export function instantiateXdsTemplate(template: string, bindings: TemplateBindings): string {
  const uniqueIds = bindings.uniqueIds ?? new Map<string, string>();
  let xml = ebrs30(template.replace(/^\uFEFF?\s*<\?xml[^>]*\?>\s*/, ''));
  for (const placeholder of TEMPLATE_PATIENTS) {
    xml = xml.split(placeholder).join(escapeXml(bindings.patient));
  }
  if (bindings.altPatient) {
    xml = xml.split('$altpatientid$').join(escapeXml(bindings.altPatient));
  }
  let owner: string | undefined;
  xml = xml.replace(
    /<(?:\w+:)?(ExtrinsicObject|RegistryPackage|ExternalIdentifier)\b[^>]*>/g,
    (tag, element: string) => {
      if (element !== 'ExternalIdentifier') {
        owner = /\bid="([^"]+)"/.exec(tag)?.[1];
        return tag;
      }
      const scheme = /identificationScheme="([^"]+)"/.exec(tag)?.[1];
      const value = /value="([^"]+)"/.exec(tag)?.[1];
      if (!scheme || !value || !UNIQUE_ID_SCHEMES.includes(scheme) || OID.test(value)) return tag;
      const object = /registryObject="([^"]+)"/.exec(tag)?.[1] ?? owner ?? value;
      if (!uniqueIds.has(object)) uniqueIds.set(object, freshUniqueId());
      return tag.replace(`value="${value}"`, `value="${uniqueIds.get(object)}"`);
    },
  );
  xml = nationalCodes(xml);
  return bindings.entryUuids ? assignEntryUuids(xml, bindings.entryUuids) : xml;
}

/** Non-ASCII as character references: a capture is sent in its own bytes (latin1 round trip). */
function asciiXml(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (character) => `&#${character.codePointAt(0)};`);
}

/**
 * Each classification coded outside the national code systems gets its attribute's national
 * code (its Connectathon confidentiality R or V kept).
 */
export function nationalCodes(xml: string): string {
  return xml.replace(
    /<((?:\w+:)?)Classification\b[^>]*(?<!\/)>[\s\S]*?<\/\1Classification>/g,
    (classification) => {
      // Read as the gateway reads it (the IPF sample has spaces inside scheme UUIDs).
      const scheme = /classificationScheme="([^"]+)"/.exec(classification)?.[1]?.replace(/\s/g, '');
      const national = scheme && NATIONAL_CODES[scheme];
      if (!national) return classification;
      const code = /nodeRepresentation="([^"]*)"/.exec(classification)?.[1] ?? '';
      const codingScheme = /<(?:\w+:)?Value>([^<]*)<\/(?:\w+:)?Value>/.exec(classification)?.[1];
      const [nationalCode, nationalSystem, display] = national(code);
      const systems = NATIONAL_SYSTEMS_BY_SCHEME[scheme] ?? NATIONAL_SYSTEMS;
      if (codingScheme && systems.has(codingScheme)) return classification;
      return classification
        .replace(/nodeRepresentation="[^"]*"/, `nodeRepresentation="${nationalCode}"`)
        .replace(/(<(?:\w+:)?Value>)[^<]*(<\/(?:\w+:)?Value>)/, `$1${nationalSystem}$2`)
        .replace(
          /(<(?:\w+:)?LocalizedString\b[^>]*\bvalue=")[^"]*"/,
          `$1${asciiXml(escapeXml(display))}"`,
        );
    },
  );
}

function assignEntryUuids(xml: string, entryUuids: Map<string, string>): string {
  for (const [, symbol] of xml.matchAll(/\bid="([^"]+)"/g)) {
    if (!symbol.startsWith('urn:uuid:') && !entryUuids.has(symbol)) {
      entryUuids.set(symbol, `urn:uuid:${randomUUID()}`);
    }
  }
  const attributes = new RegExp(`\\b(${REFERENCE_ATTRIBUTES.join('|')})="([^"]+)"`, 'g');
  return xml.replace(attributes, (match, name: string, value: string) => {
    const assigned = entryUuids.get(value);
    return assigned ? `${name}="${assigned}"` : match;
  });
}

const EBRS_21 = {
  rs: 'urn:oasis:names:tc:ebxml-regrep:registry:xsd:2.1',
  rim: /urn:oasis:names:tc:ebxml-regrep:rim:xsd:2\.1/g,
};

/**
 * Most NIST templates are written in ebXML RegRep 2.1 (XDS.a) syntax; the toolkit rewrites them
 * as ebRIM 3.0 before an XDS.b send. So does this: namespaces, RegistryObjectList, association
 * type URNs, and the ids 3.0 requires on classifications, identifiers and associations.
 */
export function ebrs30(template: string): string {
  if (!template.includes(EBRS_21.rs)) return template;
  return template
    .replace(EBRS_21.rs, 'urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0')
    .replace(EBRS_21.rim, 'urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0')
    .replace(/(<\/?\w+:)LeafRegistryObjectList/g, '$1RegistryObjectList')
    .replace(
      /associationType="HasMember"/g,
      'associationType="urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember"',
    )
    .replace(
      /associationType="(RPLC|APND|XFRM|XFRM_RPLC|signs)"/g,
      'associationType="urn:ihe:iti:2007:AssociationType:$1"',
    )
    .replace(
      /<(\w+:)(Classification|ExternalIdentifier|Association)\b(?![^>]*\bid=)/g,
      (_match, prefix: string, name: string) => `<${prefix}${name} id="urn:uuid:${randomUUID()}"`,
    );
}

export interface SoapOptions {
  readonly messageId?: string;
  /** Content of wsse:Security (e.g. a signed SAML assertion). */
  readonly security?: string;
}

export function soapRequestEnvelope(action: string, body: string, options: SoapOptions = {}) {
  const security = options.security
    ? `<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">${options.security}</wsse:Security>`
    : '';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://www.w3.org/2005/08/addressing">' +
    `<soap:Header><wsa:Action soap:mustUnderstand="1">${action}</wsa:Action>` +
    `<wsa:MessageID>${options.messageId ?? `urn:uuid:${randomUUID()}`}</wsa:MessageID>` +
    `${security}</soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

export interface HttpBody {
  readonly contentType: string;
  readonly body: Buffer;
}

export interface RequestPart {
  readonly contentId: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}

/** How the multipart body is delimited; real senders differ (e.g. WCF's `uuid:…+id=5`). */
export interface MtomPackaging {
  readonly boundary?: string;
  readonly rootContentId?: string;
}

/** A multipart/related MTOM request, packaged independently of the gateway's own writer. */
export function mtomRequest(
  envelope: string,
  parts: readonly RequestPart[],
  packaging: MtomPackaging = {},
): HttpBody {
  const boundary = packaging.boundary ?? `MIMEBoundary_${randomUUID().replace(/-/g, '')}`;
  const root = packaging.rootContentId ?? 'root.message@passerelle.test';
  const chunks: Buffer[] = [
    Buffer.from(
      `--${boundary}\r\nContent-Type: application/xop+xml; charset=UTF-8; type="application/soap+xml"\r\n` +
        `Content-Transfer-Encoding: binary\r\nContent-ID: <${root}>\r\n\r\n${envelope}\r\n`,
    ),
  ];
  for (const part of parts) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Type: ${part.contentType}\r\nContent-Transfer-Encoding: binary\r\n` +
          `Content-ID: <${part.contentId}>\r\n\r\n`,
      ),
      part.bytes,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    contentType:
      `multipart/related; type="application/xop+xml"; boundary="${boundary}"; ` +
      `start="<${root}>"; start-info="application/soap+xml"`,
    body: Buffer.concat(chunks),
  };
}

export interface ProvidedDocument {
  /** The ExtrinsicObject id the document belongs to. */
  readonly id: string;
  readonly bytes: Buffer;
  readonly mimeType?: string;
}

export const PROVIDE_AND_REGISTER = 'urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b';

/** ITI-41 request: MTOM with one XOP part per document, or plain SOAP with inline base64. */
export function provideAndRegisterRequest(
  submitObjectsRequest: string,
  documents: readonly ProvidedDocument[],
  mode: 'mtom' | 'inline' = 'mtom',
  options: SoapOptions & MtomPackaging = {},
): HttpBody {
  const parts = documents.map((document, index) => ({
    contentId: `document${index + 1}.${randomUUID()}@passerelle.test`,
    contentType: document.mimeType ?? 'text/plain',
    bytes: document.bytes,
  }));
  const documentElements = documents.map((document, index) => {
    const content =
      mode === 'mtom'
        ? `<xop:Include xmlns:xop="http://www.w3.org/2004/08/xop/include" href="cid:${encodeURIComponent(parts[index].contentId)}"/>`
        : document.bytes.toString('base64');
    return `<xdsb:Document id="${escapeXml(document.id)}">${content}</xdsb:Document>`;
  });
  const body =
    `<xdsb:ProvideAndRegisterDocumentSetRequest xmlns:xdsb="urn:ihe:iti:xds-b:2007">` +
    `${submitObjectsRequest}${documentElements.join('')}</xdsb:ProvideAndRegisterDocumentSetRequest>`;
  const envelope = soapRequestEnvelope(PROVIDE_AND_REGISTER, body, options);
  return mode === 'mtom'
    ? mtomRequest(envelope, parts, options)
    : plainSoap(envelope, PROVIDE_AND_REGISTER);
}

export function plainSoap(envelope: string, action: string): HttpBody {
  return {
    contentType: `application/soap+xml; charset=UTF-8; action="${action}"`,
    body: Buffer.from(envelope),
  };
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
