import type { Coding } from 'fhir/r4';
import type { Coded } from '@passerelle/domain';

/**
 * FHIR code-system URIs and their XDS (OID) equivalents. Unknown URIs are kept as they are;
 * unknown OIDs are written `urn:oid:<oid>`.
 */
const URI_TO_OID: Record<string, string> = {
  'http://loinc.org': '2.16.840.1.113883.6.1',
  'http://snomed.info/sct': '2.16.840.1.113883.6.96',
  'http://terminology.hl7.org/CodeSystem/v3-Confidentiality': '2.16.840.1.113883.5.25',
  'http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode': '1.3.6.1.4.1.19376.1.2.3',
  'http://terminology.hl7.org/CodeSystem/v3-ActCode': '2.16.840.1.113883.5.4',
  'https://mos.esante.gouv.fr/NOS/TRE_A03-ClasseDocument/FHIR/TRE-A03-ClasseDocument':
    '1.2.250.1.213.1.1.4.1',
  'https://mos.esante.gouv.fr/NOS/TRE_A05-TypeDocComplementaire/FHIR/TRE-A05-TypeDocComplementaire':
    '1.2.250.1.213.1.1.4.12',
  'https://mos.esante.gouv.fr/NOS/TRE_A01-CadreExercice/FHIR/TRE-A01-CadreExercice':
    '1.2.250.1.213.1.1.4.9',
  'https://mos.esante.gouv.fr/NOS/TRE_R02-SecteurActivite/FHIR/TRE-R02-SecteurActivite':
    '1.2.250.1.71.4.2.4',
  'https://mos.esante.gouv.fr/NOS/TRE_A06-FormatCodeComplementaire/FHIR/TRE-A06-FormatCodeComplementaire':
    '1.2.250.1.213.1.1.4.2.282',
  'https://mos.esante.gouv.fr/NOS/TRE_G08-HL7Confidentiality/FHIR/TRE-G08-HL7Confidentiality':
    '2.16.840.1.113883.5.25',
};

/**
 * Other URIs read for the same code systems (never written): the ANS's canonical URI of
 * TRE_A11-IheFormatCode, which its PDSm examples give the IHE format codes of JDV_J60.
 */
const URI_ALIASES: Record<string, string> = {
  'https://mos.esante.gouv.fr/NOS/TRE_A11-IheFormatCode/FHIR/TRE-A11-IheFormatCode':
    '1.3.6.1.4.1.19376.1.2.3',
};

const OID_TO_URI: Record<string, string> = Object.fromEntries(
  Object.entries(URI_TO_OID).map(([uri, oid]) => [oid, uri]),
);

export function systemToCodeSystem(system: string): string {
  if (system.startsWith('urn:oid:')) return system.slice('urn:oid:'.length);
  return URI_TO_OID[system] ?? URI_ALIASES[system] ?? system;
}

export function codeSystemToSystem(codeSystem: string): string {
  if (OID_TO_URI[codeSystem]) return OID_TO_URI[codeSystem];
  return /^[0-2](\.[0-9]+)+$/.test(codeSystem) ? `urn:oid:${codeSystem}` : codeSystem;
}

export function codedFromCoding(coding: Coding | undefined): Coded | undefined {
  if (!coding?.code || !coding.system) return undefined;
  return {
    code: coding.code,
    codeSystem: systemToCodeSystem(coding.system),
    ...(coding.display ? { display: coding.display } : {}),
  };
}

export function codingFromCoded(coded: Coded): Coding {
  return {
    system: codeSystemToSystem(coded.codeSystem),
    code: coded.code,
    ...(coded.display ? { display: coded.display } : {}),
  };
}

/** XDS uniqueIds are bare OIDs; FHIR writes them as URIs (`urn:oid:`), urn:uuid kept as is. */
export function uniqueIdFromUri(value: string): string {
  return value.startsWith('urn:oid:') ? value.slice('urn:oid:'.length) : value;
}

export function uniqueIdToUri(uniqueId: string): string {
  return uniqueId.startsWith('urn:') ? uniqueId : `urn:oid:${uniqueId}`;
}
