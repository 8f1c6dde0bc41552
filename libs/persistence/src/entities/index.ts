import { AssociationRow } from './association.entity';
import { DocumentContentRow } from './document-content.entity';
import { DocumentEntryRow } from './document-entry.entity';
import { DocumentLocatorRow } from './document-locator.entity';
import { FolderRow } from './folder.entity';
import { PatientRecordRow } from './patient-record.entity';
import { ProfessionalRow } from './professional.entity';
import { SubmissionSetRow } from './submission-set.entity';

export {
  AssociationRow,
  DocumentContentRow,
  DocumentEntryRow,
  DocumentLocatorRow,
  FolderRow,
  PatientRecordRow,
  ProfessionalRow,
  SubmissionSetRow,
};

export const ENTITIES = [
  AssociationRow,
  DocumentContentRow,
  DocumentEntryRow,
  DocumentLocatorRow,
  FolderRow,
  PatientRecordRow,
  ProfessionalRow,
  SubmissionSetRow,
];
