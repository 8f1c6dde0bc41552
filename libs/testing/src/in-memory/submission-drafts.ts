import { Author, Coded, PatientId, RESTRICTION_CODE_SYSTEM } from '@passerelle/domain';
import type { DocumentEntryDraft, SubmissionDraft } from '@passerelle/registry';
import { freshUniqueId } from '../xds-requests';

let sequence = 0;

const LOINC = '2.16.840.1.113883.6.1';
const CONFIDENTIALITY = '2.16.840.1.113883.5.25';

const AUTHOR: Author = {
  institutions: [{ name: 'Cabinet de test' }],
  roles: [],
  specialties: [],
  telecom: [],
};

export interface DocumentDraftOptions extends Partial<DocumentEntryDraft> {
  /** DMP restriction codes added to `N` (MASQUE_PS, INVISIBLE_PATIENT…). */
  readonly restrictions?: readonly string[];
}

/** The confidentiality codes of a document: `N`, and the DMP restriction codes given. */
export function confidentiality(...restrictions: string[]): Coded[] {
  return [
    { code: 'N', codeSystem: CONFIDENTIALITY },
    ...restrictions.map((code) => ({ code, codeSystem: RESTRICTION_CODE_SYSTEM })),
  ];
}

/**
 * A complete DocumentEntry draft, as a door reads one, with its content (a compte rendu de
 * consultation, LOINC 11488-4, readable by a médecin). Its authorship is its submitter's.
 */
export function documentDraft(
  patient: PatientId,
  { restrictions = [], ...overrides }: DocumentDraftOptions = {},
): DocumentEntryDraft {
  sequence += 1;
  return {
    ref: `urn:uuid:document-${sequence}`,
    uniqueId: freshUniqueId(),
    patientId: patient,
    title: `Compte rendu ${sequence}`,
    classCode: { code: '11', codeSystem: '1.2.250.1.213.1.1.4.1' },
    typeCode: { code: '11488-4', codeSystem: LOINC },
    formatCode: {
      code: 'urn:ihe:iti:xds:2017:mimeTypeSufficient',
      codeSystem: '1.3.6.1.4.1.19376.1.2.3',
    },
    confidentialityCodes: confidentiality(...restrictions),
    eventCodes: [],
    healthcareFacilityTypeCode: { code: 'SA07', codeSystem: '1.2.250.1.71.4.2.4' },
    practiceSettingCode: { code: 'AMBULATOIRE', codeSystem: '1.2.250.1.213.1.1.4.9' },
    creationTime: new Date('2026-01-01T00:00:00Z'),
    languageCode: 'fr-FR',
    mimeType: 'text/plain',
    authors: [AUTHOR],
    sourcePatientId: patient.key,
    referenceIds: [],
    content: Buffer.from(`Compte rendu de consultation n°${sequence}`),
    ...overrides,
  };
}

/** A SubmissionSet of these documents for the patient, with a fresh uniqueId. */
export function submissionDraft(
  patient: PatientId,
  documents: readonly DocumentEntryDraft[],
  overrides: Partial<SubmissionDraft> = {},
): SubmissionDraft {
  sequence += 1;
  return {
    submissionSet: {
      ref: `urn:uuid:submission-set-${sequence}`,
      uniqueId: freshUniqueId(),
      patientId: patient,
      sourceId: '1.2.250.1.999.2',
      submissionTime: new Date(),
      contentTypeCode: { code: '04', codeSystem: '1.2.250.1.213.2.2' },
      authors: [AUTHOR],
      intendedRecipients: [],
    },
    documents,
    folders: [],
    associations: [],
    ...overrides,
  };
}
