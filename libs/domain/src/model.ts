import type { SubmissionSigner } from './signature';
import type { RecordLifecycle } from './record-lifecycle';

/** The one document model both doors translate to (XDS DocumentEntry / SubmissionSet / Folder). */

export interface Coded {
  readonly code: string;
  readonly codeSystem: string;
  readonly display?: string;
}

/** How codes are indexed and compared: `system|code`. */
export function codeKey(coded: Pick<Coded, 'code' | 'codeSystem'>): string {
  return `${coded.codeSystem}|${coded.code}`;
}

/** The DMP's confidentiality restriction codes (MASQUE_PS, INVISIBLE_PATIENT…). */
export const RESTRICTION_CODE_SYSTEM = '1.2.250.1.213.1.1.4.13';

export interface PersonName {
  readonly id?: string;
  readonly assigningAuthority?: string;
  readonly family?: string;
  readonly given?: string;
  readonly prefix?: string;
}

export interface Institution {
  readonly name: string;
  readonly id?: string;
  readonly assigningAuthority?: string;
}

/** XDS author: authorPerson, authorInstitution, authorRole, authorSpecialty, telecom. */
export interface Author {
  readonly person?: PersonName;
  readonly institutions: readonly Institution[];
  readonly roles: readonly Coded[];
  readonly specialties: readonly Coded[];
  readonly telecom: readonly string[];
}

/**
 * availabilityStatus. `Archived` and `Deleted` are the DMP statuses
 * `urn:asip:ci-sis:2010:StatusType:Archived` / `…:Deleted`.
 */
export type AvailabilityStatus = 'Approved' | 'Deprecated' | 'Archived' | 'Deleted';

export const XDS_STATUS_URN: Record<AvailabilityStatus, string> = {
  Approved: 'urn:oasis:names:tc:ebxml-regrep:StatusType:Approved',
  Deprecated: 'urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated',
  Archived: 'urn:asip:ci-sis:2010:StatusType:Archived',
  Deleted: 'urn:asip:ci-sis:2010:StatusType:Deleted',
};

export interface SourcePatientInfo {
  readonly family?: string;
  readonly given?: string;
  readonly birthDate?: string;
  readonly gender?: string;
  /** Where the patient's notifications are e-mailed. */
  readonly email?: string;
}

export interface DocumentEntry {
  /** urn:uuid of this metadata version. */
  readonly entryUuid: string;
  /** urn:uuid stable across metadata versions. */
  readonly logicalId: string;
  readonly version: number;
  readonly uniqueId: string;
  readonly patientKey: string;
  readonly status: AvailabilityStatus;
  readonly title?: string;
  readonly comments?: string;
  readonly classCode: Coded;
  readonly typeCode: Coded;
  readonly formatCode: Coded;
  readonly confidentialityCodes: readonly Coded[];
  readonly eventCodes: readonly Coded[];
  readonly healthcareFacilityTypeCode: Coded;
  readonly practiceSettingCode: Coded;
  readonly creationTime: Date;
  readonly serviceStartTime?: Date;
  readonly serviceStopTime?: Date;
  readonly languageCode: string;
  readonly mimeType: string;
  readonly hashSha1: string;
  readonly size: number;
  readonly repositoryUniqueId: string;
  readonly authors: readonly Author[];
  readonly legalAuthenticator?: PersonName;
  /**
   * The organization keeping the original (CDA custodian, MHD DocumentReference.custodian). XDS
   * metadata have no such attribute: ITI-18 does not return it.
   */
  readonly custodian?: Institution;
  readonly sourcePatientId: string;
  readonly sourcePatientInfo?: SourcePatientInfo;
  readonly referenceIds: readonly string[];
  /** Who provided the document: with the authors, the only ones who may change or delete it. */
  readonly submitter?: Submitter;
  /** Who signed the submission set that provided it (IHE DSG), as verified on receipt. */
  readonly signedBy?: SubmissionSigner;
  /** Repository content this entry describes (absent for a register-only ITI-42 entry). */
  readonly contentId?: string;
  readonly submissionSetUuid: string;
  readonly submissionTime: Date;
  /**
   * The documents this one replaces, transforms, appends or signs, as a read for a caller shows
   * them (only those the caller may see): set by the reads that answer with it (MHD relatesTo).
   */
  readonly relatesTo?: readonly DocumentRelation[];
}

/** A relationship association from a document to another, by the other's logicalId. */
export interface DocumentRelation {
  readonly type: RelationshipType;
  readonly targetLogicalId: string;
}

/** The associations between documents (ITI TF-3 4.2.2), as opposed to list membership. */
export const RELATIONSHIP_TYPES = ['RPLC', 'XFRM', 'APND', 'XFRM_RPLC', 'signs'] as const;
export type RelationshipType = (typeof RELATIONSHIP_TYPES)[number];

/** The authenticated caller that provided a document (a PS, an ORG system, or the patient). */
export interface Submitter {
  readonly kind: 'PS' | 'ORG' | 'PATIENT';
  readonly subjectId: string;
  readonly structureId?: string;
}

/** Ids that count as "the author" of an entry: author persons, institutions and the submitter. */
export function authorIdsOf(entry: Pick<DocumentEntry, 'authors' | 'submitter'>): string[] {
  const ids = entry.authors.flatMap((author) => [
    ...(author.person?.id ? [author.person.id] : []),
    ...author.institutions.flatMap((institution) => (institution.id ? [institution.id] : [])),
  ]);
  const submitter = entry.submitter;
  if (submitter)
    ids.push(submitter.subjectId, ...(submitter.structureId ? [submitter.structureId] : []));
  return [...new Set(ids)];
}

export interface SubmissionSet {
  readonly entryUuid: string;
  readonly uniqueId: string;
  readonly patientKey: string;
  readonly sourceId: string;
  readonly submissionTime: Date;
  readonly contentTypeCode: Coded;
  readonly title?: string;
  readonly comments?: string;
  readonly authors: readonly Author[];
  readonly intendedRecipients: readonly string[];
  readonly status: AvailabilityStatus;
}

export interface Folder {
  readonly entryUuid: string;
  readonly logicalId: string;
  readonly version: number;
  readonly uniqueId: string;
  readonly patientKey: string;
  readonly title?: string;
  readonly comments?: string;
  readonly codeList: readonly Coded[];
  readonly lastUpdateTime: Date;
  readonly status: AvailabilityStatus;
}

export type AssociationType =
  'HasMember' | 'RPLC' | 'APND' | 'XFRM' | 'XFRM_RPLC' | 'signs' | 'IsSnapshotOf';

export const ASSOCIATION_TYPE_URN: Record<AssociationType, string> = {
  HasMember: 'urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember',
  RPLC: 'urn:ihe:iti:2007:AssociationType:RPLC',
  APND: 'urn:ihe:iti:2007:AssociationType:APND',
  XFRM: 'urn:ihe:iti:2007:AssociationType:XFRM',
  XFRM_RPLC: 'urn:ihe:iti:2007:AssociationType:XFRM_RPLC',
  signs: 'urn:ihe:iti:2007:AssociationType:signs',
  IsSnapshotOf: 'urn:ihe:iti:2010:AssociationType:IsSnapshotOf',
};

export interface Association {
  readonly entryUuid: string;
  readonly patientKey: string;
  readonly type: AssociationType;
  readonly sourceUuid: string;
  readonly targetUuid: string;
  /** SubmissionSetStatus slot of a SubmissionSet→DocumentEntry HasMember: Original or Reference. */
  readonly submissionSetStatus?: 'Original' | 'Reference';
  readonly status: AvailabilityStatus;
}

/** Document bytes as provided, with the digests the repository computed on receipt. */
export interface DocumentContent {
  readonly contentId: string;
  readonly patientKey: string;
  readonly mimeType: string;
  readonly bytes: Buffer;
  readonly hashSha1: string;
  readonly hashSha256: string;
  readonly size: number;
}

/** One submission, validated and ready to store atomically. */
export interface Submission {
  readonly patientKey: string;
  readonly submissionSet: SubmissionSet;
  readonly documents: readonly DocumentEntry[];
  readonly folders: readonly Folder[];
  readonly associations: readonly Association[];
  /** Entries this submission replaces (RPLC): logicalIds to deprecate, checked at store time. */
  readonly replacedEntryUuids: readonly string[];
  /** entryUUIDs the sender chose: refused if already used in any record. */
  readonly senderEntryUuids: readonly string[];
  /**
   * Folders already registered that gain members: their lastUpdateTime, which the registry sets
   * (ITI TF-3 Folder metadata), becomes the time of the commit.
   */
  readonly updatedFolderUuids: readonly string[];
}

/** The notifications a patient may turn off; every emergency access is notified whatever he says. */
export const OPTIONAL_NOTIFICATIONS = ['new-document', 'first-access', 'access-changed'] as const;

export type OptionalNotification = (typeof OPTIONAL_NOTIFICATIONS)[number];

/** Which optional notifications the patient wants: each one until he turns it off. */
export type NotificationPreferences = Readonly<Record<OptionalNotification, boolean>>;

export const EVERY_NOTIFICATION: NotificationPreferences = {
  'new-document': true,
  'first-access': true,
  'access-changed': true,
};

/** Whether a notification of this kind is owed: the optional ones only if the patient wants them. */
export function isNotificationWanted(
  preferences: NotificationPreferences | undefined,
  kind: string,
): boolean {
  const optional = OPTIONAL_NOTIFICATIONS.find((name) => name === kind);
  return optional === undefined || (preferences ?? EVERY_NOTIFICATION)[optional];
}

/**
 * The patient's shared record ("DMP"). Its contact details (email, phone) and notification
 * preferences are the patient's own: the record as shown to anyone else has none of them.
 */
export interface PatientRecord extends RecordLifecycle {
  readonly patientKey: string;
  readonly insValue: string;
  readonly insOid: string;
  readonly openedAt: Date;
  readonly openedBy: string;
  readonly family?: string;
  readonly given?: string;
  readonly birthDate?: string;
  readonly gender?: string;
  /** Where the patient's notifications are e-mailed. */
  readonly email?: string;
  /** His phone number, in E.164 form (`+33…`). */
  readonly phone?: string;
  readonly notificationPreferences?: NotificationPreferences;
}
