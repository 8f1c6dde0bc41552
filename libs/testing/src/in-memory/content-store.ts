import type {
  AccessStateStore,
  ActorStructures,
  NamedDocumentState,
} from '@passerelle/access-control';
import type { AuditEntry, AuditStore } from '@passerelle/audit';
import type { ContentLocator, ContentStore } from '@passerelle/document-repository';
import type { DocumentContent, WriteUnit } from '@passerelle/domain';
import type { DocumentLocator } from '@passerelle/registry';
import { inMemoryUnit } from './registry';

const key = (patientKey: string, contentId: string) => `${patientKey}\u0000${contentId}`;

/**
 * Document bytes in memory, staged into the registry's write unit (stored only if it commits),
 * and every `read` remembered: a test can tell whether the bytes were touched at all.
 */
export class InMemoryContentStore implements ContentStore {
  private readonly contents = new Map<string, DocumentContent>();
  /** Each `read` call, in order, found or not. */
  readonly reads: { readonly patientKey: string; readonly contentId: string }[] = [];

  put(unit: WriteUnit, content: DocumentContent): void {
    inMemoryUnit(unit).onCommit.push(() =>
      this.contents.set(key(content.patientKey, content.contentId), content),
    );
  }

  constructor(private readonly audits: AuditStore) {}

  async read(
    patientKey: string,
    contentId: string,
    audit?: AuditEntry,
  ): Promise<DocumentContent | undefined> {
    this.reads.push({ patientKey, contentId });
    const content = this.contents.get(key(patientKey, contentId));
    if (content && audit) await this.audits.write(audit);
    return content;
  }

  /** How many contents are stored (committed). */
  get size(): number {
    return this.contents.size;
  }
}

/** ITI-68's first read, in memory: the registry's lookup by content id, then the access state. */
export class InMemoryContentLocator implements ContentLocator {
  constructor(
    private readonly registry: DocumentLocator,
    private readonly accessState: AccessStateStore,
  ) {}

  async locateContent(
    contentId: string,
    subjectId: string,
    structures: ActorStructures,
  ): Promise<NamedDocumentState> {
    const entry = (await this.registry.locate({ contentIds: [contentId] })).documents.at(0);
    const state = await this.accessState.load(entry?.patientKey ?? '', subjectId, structures);
    return { entry, state };
  }
}
