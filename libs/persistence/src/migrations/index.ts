import { InitialSchema1763800000000 } from './1763800000000-initial-schema';
import { EntryContentIndex1763900000000 } from './1763900000000-entry-content-index';
import { SubmissionGuard1763950000000 } from './1763950000000-submission-guard';

export const MIGRATIONS = [
  InitialSchema1763800000000,
  EntryContentIndex1763900000000,
  SubmissionGuard1763950000000,
];
