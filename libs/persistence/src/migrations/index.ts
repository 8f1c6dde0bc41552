import { InitialSchema1763800000000 } from './1763800000000-initial-schema';
import { EntryContentIndex1763900000000 } from './1763900000000-entry-content-index';
import { SubmissionGuard1763950000000 } from './1763950000000-submission-guard';
import { AccessAuditNotifications1764100000000 } from './1764100000000-access-audit-notifications';
import { ProfessionalDirectory1764000000000 } from './1764000000000-professional-directory';
import { UniqueSubmissionSet1764200000000 } from './1764200000000-unique-submission-set';
import { StoredQueryLookups1764300000000 } from './1764300000000-stored-query-lookups';
import { EntryUuidGuard1764400000000 } from './1764400000000-entry-uuid-guard';
import { PatientChannel1764500000000 } from './1764500000000-patient-channel';
import { PatientContact1764600000000 } from './1764600000000-patient-contact';
import { AccessSubjectKind1764700000000 } from './1764700000000-access-subject-kind';
import { DirectorySearch1764800000000 } from './1764800000000-directory-search';
import { AuditRequestId1765500000000 } from './1765500000000-audit-request-id';
import { UrgentNotifications1765600000000 } from './1765600000000-urgent-notifications';
import { PatientDataKeys1764900000000 } from './1764900000000-patient-data-keys';
import { encryptDocumentContents } from './1764900100000-encrypt-document-contents';
import { RecordLifecycle1764900200000 } from './1764900200000-record-lifecycle';
import type { PatientDataKeys } from '../encryption/patient-data-keys';

/** The migrations in order; encrypting the content stored in plaintext needs the data keys. */
export const migrations = (dataKeys: PatientDataKeys) => [
  InitialSchema1763800000000,
  EntryContentIndex1763900000000,
  SubmissionGuard1763950000000,
  ProfessionalDirectory1764000000000,
  AccessAuditNotifications1764100000000,
  UniqueSubmissionSet1764200000000,
  StoredQueryLookups1764300000000,
  EntryUuidGuard1764400000000,
  PatientChannel1764500000000,
  PatientContact1764600000000,
  AccessSubjectKind1764700000000,
  DirectorySearch1764800000000,
  PatientDataKeys1764900000000,
  encryptDocumentContents(dataKeys),
  RecordLifecycle1764900200000,
  AuditRequestId1765500000000,
  UrgentNotifications1765600000000,
];
