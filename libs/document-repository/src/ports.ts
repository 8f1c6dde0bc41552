import type { DocumentContent, WriteUnit } from '@passerelle/domain';

export const CONTENT_STORE = Symbol('ContentStore');

/** Where the repository keeps document bytes, exactly as provided, in each patient's record. */
export interface ContentStore {
  /** Stages the bytes into the unit: stored when it commits, with the registry's metadata. */
  put(unit: WriteUnit, content: DocumentContent): void;
  read(patientKey: string, contentId: string): Promise<DocumentContent | undefined>;
}
