import type { DocumentContent } from '@passerelle/domain';

export const CONTENT_STORE = Symbol('ContentStore');

export interface ContentStore {
  read(contentId: string): Promise<DocumentContent | undefined>;
}
