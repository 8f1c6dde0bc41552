import { randomUUID, X509Certificate, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DSG_SIGNATURE_CODES, type DocumentEntry, type SubmissionSet } from '@passerelle/domain';
import { type DevPki, type IssuedCertificate } from '@passerelle/platform';
import { type SigningIdentity, signSubmission } from '@passerelle/signature';
import {
  type HttpBody,
  type XdsPatient,
  freshUniqueId,
  provideAndRegisterRequest,
} from '@passerelle/testing';
import { NS, association, extrinsicObject, submissionSetPackage } from '@passerelle/xds';

/** A document of a submission: its uniqueId and bytes, a DSG signature document or not. */
export interface SubmittedFile {
  readonly uniqueId: string;
  readonly bytes: Buffer;
  readonly signature?: boolean;
}

export function aDocument(): SubmittedFile {
  return { uniqueId: freshUniqueId(), bytes: Buffer.from(`Compte rendu ${randomUUID()}`) };
}

/** The signing identity of a persona of the development PKI (its mutual TLS certificate). */
export function personaIdentity(pki: DevPki, persona: string): SigningIdentity {
  const files = pki.personas[persona];
  return {
    certificates: [new X509Certificate(readFileSync(files.certPath))],
    keyPem: readFileSync(files.keyPath, 'utf8'),
  };
}

export function identityOf(issued: IssuedCertificate): SigningIdentity {
  return { certificates: [new X509Certificate(issued.certPem)], keyPem: issued.keyPem };
}

/** The DSG signature document over `files`, by `identity`. */
export async function signatureOver(
  files: readonly SubmittedFile[],
  identity: SigningIdentity,
): Promise<SubmittedFile> {
  const bytes = await signSubmission(
    identity,
    files.map(({ uniqueId, bytes }) => ({ uniqueId, bytes })),
  );
  return { uniqueId: freshUniqueId(), bytes, signature: true };
}

const AUTHOR = {
  person: { id: '810000000017', family: 'MARTIN', given: 'Jeanne' },
  institutions: [{ name: 'Hôpital de test' }],
  roles: [],
  specialties: [],
  telecom: [],
};

/** ITI-41 of these files in one submission set, for the patient (MTOM). */
export function provideFiles(patient: XdsPatient, files: readonly SubmittedFile[]): HttpBody {
  const setUuid = `urn:uuid:${randomUUID()}`;
  const entries = files.map((file) => entryOf(patient, file, setUuid));
  const set: SubmissionSet = {
    entryUuid: setUuid,
    uniqueId: freshUniqueId(),
    patientKey: patient.cx,
    sourceId: '1.2.250.1.999.2',
    submissionTime: new Date(),
    contentTypeCode: { code: '04', codeSystem: '1.2.250.1.213.2.2' },
    authors: [AUTHOR],
    intendedRecipients: [],
    status: 'Approved',
  };
  const memberships = entries.map((entry) =>
    association({
      entryUuid: `urn:uuid:${randomUUID()}`,
      patientKey: patient.cx,
      type: 'HasMember',
      sourceUuid: setUuid,
      targetUuid: entry.entryUuid,
      submissionSetStatus: 'Original',
      status: 'Approved',
    }),
  );
  const submitObjects =
    `<lcm:SubmitObjectsRequest xmlns:lcm="${NS.lcm}" xmlns:rim="${NS.rim}"><rim:RegistryObjectList>` +
    `${entries.map(extrinsicObject).join('')}${submissionSetPackage(set)}${memberships.join('')}` +
    '</rim:RegistryObjectList></lcm:SubmitObjectsRequest>';
  return provideAndRegisterRequest(
    submitObjects,
    entries.map((entry, index) => ({
      id: entry.entryUuid,
      bytes: files[index].bytes,
      mimeType: entry.mimeType,
    })),
  );
}

function entryOf(patient: XdsPatient, file: SubmittedFile, setUuid: string): DocumentEntry {
  const entryUuid = `urn:uuid:${randomUUID()}`;
  const codes = file.signature
    ? DSG_SIGNATURE_CODES
    : {
        classCode: { code: '11', codeSystem: '1.2.250.1.213.1.1.4.1' },
        typeCode: { code: '11488-4', codeSystem: '2.16.840.1.113883.6.1' },
        formatCode: {
          code: 'urn:ihe:iti:xds:2017:mimeTypeSufficient',
          codeSystem: '1.3.6.1.4.1.19376.1.2.3',
        },
        mimeType: 'text/plain',
      };
  return {
    entryUuid,
    logicalId: entryUuid,
    version: 1,
    uniqueId: file.uniqueId,
    patientKey: patient.cx,
    status: 'Approved',
    title: file.signature ? 'Signature du lot' : 'Compte rendu',
    ...codes,
    confidentialityCodes: [{ code: 'N', codeSystem: '2.16.840.1.113883.5.25' }],
    eventCodes: [],
    healthcareFacilityTypeCode: { code: 'SA01', codeSystem: '1.2.250.1.71.4.2.4' },
    practiceSettingCode: { code: 'ETABLISSEMENT', codeSystem: '1.2.250.1.213.1.1.4.9' },
    creationTime: new Date(),
    languageCode: 'fr-FR',
    hashSha1: createHash('sha1').update(file.bytes).digest('hex'),
    size: file.bytes.length,
    repositoryUniqueId: '',
    authors: [AUTHOR],
    sourcePatientId: patient.cx,
    referenceIds: [],
    submissionSetUuid: setUuid,
    submissionTime: new Date(),
  };
}
