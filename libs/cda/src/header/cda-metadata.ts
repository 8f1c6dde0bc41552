import type {
  Author,
  Coded,
  Institution,
  PatientId,
  PersonName,
  SourcePatientInfo,
} from '@passerelle/domain';
import type { CdaHeader } from './cda-header';
import { classCodeForType, contentTypeForEncounter, formatCodeForCda } from './national-mappings';

/**
 * The XDS metadata a CDA header gives, the one CI-SIS mapping every door and the CLI use: the
 * DocumentEntry fields, the custodian (sent as DocumentReference.custodian by MHD), and the
 * SubmissionSet contentTypeCode derived from the encounter. A field the header cannot give
 * (class of an unknown type, format of an unknown template) is left undefined for the caller
 * to complete or refuse.
 */
export interface CdaMetadata {
  readonly uniqueId: string;
  readonly patientId: PatientId;
  readonly title?: string;
  readonly classCode?: Coded;
  readonly typeCode: Coded;
  readonly formatCode?: Coded;
  /** The header's confidentiality level (N, R, V); DMP restriction codes are the sender's. */
  readonly confidentialityCodes: readonly Coded[];
  readonly eventCodes: readonly Coded[];
  readonly healthcareFacilityTypeCode?: Coded;
  readonly practiceSettingCode?: Coded;
  readonly creationTime: Date;
  readonly serviceStartTime?: Date;
  readonly serviceStopTime?: Date;
  readonly languageCode?: string;
  readonly mimeType: string;
  readonly authors: readonly Author[];
  readonly legalAuthenticator?: PersonName;
  readonly custodian?: Institution;
  readonly sourcePatientId: string;
  readonly sourcePatientInfo: SourcePatientInfo;
  /** SubmissionSet contentTypeCode (TRE_R209) from encompassingEncounter/code. */
  readonly contentTypeCode?: Coded;
}

/** CI-SIS mapping of a CDA header: class by type (ASS_X04), format by template (ASS_A11/A12). */
export function metadataOfCdaHeader(header: CdaHeader): CdaMetadata {
  return {
    uniqueId: header.uniqueId,
    patientId: header.patientId,
    title: header.title ?? header.typeCode.display,
    classCode: classCodeForType(header.typeCode),
    typeCode: header.typeCode,
    formatCode: formatCodeForCda(header.templateIds, header.unstructuredBodyMediaType),
    confidentialityCodes: [header.confidentialityCode],
    eventCodes: header.eventCodes,
    healthcareFacilityTypeCode: header.healthcareFacilityTypeCode,
    practiceSettingCode: header.practiceSettingCode,
    creationTime: header.creationTime,
    serviceStartTime: header.serviceStartTime,
    serviceStopTime: header.serviceStopTime,
    languageCode: header.languageCode,
    mimeType: 'text/xml',
    authors: header.authors,
    legalAuthenticator: header.legalAuthenticator,
    custodian: header.custodian,
    sourcePatientId: header.sourcePatientId,
    sourcePatientInfo: header.sourcePatientInfo,
    contentTypeCode: contentTypeForEncounter(header.encounterCode),
  };
}
