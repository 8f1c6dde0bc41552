import { Inject, Injectable } from '@nestjs/common';
import { DocumentContent, DomainError } from '@passerelle/domain';
import { CONTENT_STORE, ContentStore } from './ports';

/** ITI-43 / ITI-68: the stored bytes, exactly as provided. */
@Injectable()
export class RetrieveDocument {
  constructor(@Inject(CONTENT_STORE) private readonly store: ContentStore) {}

  async byContentId(contentId: string): Promise<DocumentContent> {
    const content = await this.store.read(contentId);
    if (!content) throw new DomainError('DOCUMENT_NOT_FOUND', 'No such document');
    return content;
  }
}
