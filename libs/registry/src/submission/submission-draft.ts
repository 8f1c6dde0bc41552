import type {
  AssociationType,
  Author,
  Coded,
  Institution,
  PatientId,
  PersonName,
  SourcePatientInfo,
  SubmissionSigner,
  TranslationProblem,
} from '@passerelle/domain';

/**
 * A submission as a protocol adapter read it, before validation: anything may be missing. `ref`
 * is the sender's own name for the object (FHIR fullUrl, ebRIM id), used to locate errors and
 * to map results back.
 */
export interface DocumentEntryDraft {
  readonly ref: string;
  /** entryUUID chosen by the sender (an XDS `urn:uuid:` id); the registry assigns one otherwise. */
  readonly entryUuid?: string;
  readonly uniqueId?: string;
  readonly patientId?: PatientId;
  readonly title?: string;
  readonly comments?: string;
  readonly classCode?: Coded;
  readonly typeCode?: Coded;
  readonly formatCode?: Coded;
  readonly confidentialityCodes: readonly Coded[];
  readonly eventCodes: readonly Coded[];
  readonly healthcareFacilityTypeCode?: Coded;
  readonly practiceSettingCode?: Coded;
  readonly creationTime?: Date;
  readonly serviceStartTime?: Date;
  readonly serviceStopTime?: Date;
  readonly languageCode?: string;
  readonly mimeType?: string;
  readonly authors: readonly Author[];
  readonly legalAuthenticator?: PersonName;
  readonly custodian?: Institution;
  readonly sourcePatientId?: string;
  readonly sourcePatientInfo?: SourcePatientInfo;
  readonly referenceIds: readonly string[];
  /** Hash (SHA-1 hex) and size as supplied by the sender, checked against the content. */
  readonly suppliedHashSha1?: string;
  readonly suppliedSize?: number;
  readonly repositoryUniqueId?: string;
  /** Who signed it, once the use case has verified the submission set's signature. */
  readonly signedBy?: SubmissionSigner;
  /** The document bytes (Provide and Register); absent for register-only. */
  readonly content?: Buffer;
}

export interface SubmissionSetDraft {
  readonly ref: string;
  /** entryUUID chosen by the sender (an XDS `urn:uuid:` id); the registry assigns one otherwise. */
  readonly entryUuid?: string;
  readonly uniqueId?: string;
  readonly patientId?: PatientId;
  readonly sourceId?: string;
  readonly submissionTime?: Date;
  readonly contentTypeCode?: Coded;
  readonly title?: string;
  readonly comments?: string;
  readonly authors: readonly Author[];
  readonly intendedRecipients: readonly string[];
}

export interface FolderDraft {
  readonly ref: string;
  /** entryUUID chosen by the sender (an XDS `urn:uuid:` id); the registry assigns one otherwise. */
  readonly entryUuid?: string;
  readonly uniqueId?: string;
  readonly patientId?: PatientId;
  readonly title?: string;
  readonly comments?: string;
  readonly codeList: readonly Coded[];
}

/**
 * An end of an association: an object of this submission, a Folder already registered (the
 * source of a HasMember that adds to it, by its entryUUID), or a document already registered —
 * named by its logical id (FHIR DocumentReference id), by the entryUUID of its current version
 * (XDS), or by its uniqueId (HL7v2: the CDA's relatedDocument/parentDocument id).
 */
export type AssociationEnd =
  | { readonly ref: string }
  | { readonly existingFolderUuid: string }
  | { readonly existingLogicalId: string }
  | { readonly existingEntryUuid: string }
  | { readonly existingUniqueId: string };

export interface AssociationDraft {
  readonly type: AssociationType;
  readonly source: AssociationEnd;
  readonly target: AssociationEnd;
}

/**
 * Metadata the sender gave that the registry does not keep — XDS extra metadata (ITI TF-3
 * 4.1.14), a Slot outside the standard ones: the submission is accepted and the door says so.
 */
export interface UnsavedMetadata {
  /** The sender's name for the object that carried it. */
  readonly location: string;
  readonly name: string;
}

export interface SubmissionDraft {
  readonly submissionSet: SubmissionSetDraft;
  readonly documents: readonly DocumentEntryDraft[];
  readonly folders: readonly FolderDraft[];
  readonly associations: readonly AssociationDraft[];
  readonly unsavedMetadata?: readonly UnsavedMetadata[];
  /**
   * What the door could not translate: reported with the registry's own findings, in one answer.
   * A draft with problems is never stored.
   */
  readonly problems?: readonly TranslationProblem[];
}
