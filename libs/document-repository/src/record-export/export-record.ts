import { Inject, Injectable } from '@nestjs/common';
import { AccessControl, isClosed } from '@passerelle/access-control';
import { Outcome, UseCase, audited } from '@passerelle/audit';
import type {
  DocumentContent,
  DocumentEntry,
  Page,
  PageRequest,
  Principal,
  SubmissionSet,
  VisibilityFilter,
} from '@passerelle/domain';
import { ListMember, REGISTRY_READER, RegistryReader, listMembers } from '@passerelle/registry';
import { CONTENT_STORE, ContentStore } from '../ports';

export interface ExportRecordCommand {
  readonly patientKey: string;
}

export interface ExportedSubmissionSet {
  readonly list: SubmissionSet;
  readonly members: readonly ListMember[];
}

/** A document of the export with its bytes exactly as stored. */
export interface ExportedContent {
  readonly entry: DocumentEntry;
  readonly content: DocumentContent;
}

/** Everything of the record the patient sees, as of `exportedAt`. */
export interface RecordExport {
  readonly patientKey: string;
  readonly recordClosed: boolean;
  readonly exportedAt: Date;
  /** The latest version of each visible document, newest first. */
  readonly documents: readonly DocumentEntry[];
  readonly submissionSets: readonly ExportedSubmissionSet[];
  /**
   * The contents of the documents this repository holds, read one at a time as they are
   * consumed: an archive of a thousand documents never holds them all at once.
   */
  contents(): AsyncIterable<ExportedContent>;
}

const PAGE_SIZE = 500;

/**
 * The patient's "download everything" (DESIGN §4, §9): every document and SubmissionSet he
 * sees — not those made invisible to him, nor, for a legal representative, those invisible to
 * legal representatives — and their contents. The patient's alone, closed record included.
 */
@Injectable()
export class ExportRecord implements UseCase<ExportRecordCommand, RecordExport> {
  constructor(
    private readonly access: AccessControl,
    @Inject(REGISTRY_READER) private readonly reader: RegistryReader,
    @Inject(CONTENT_STORE) private readonly content: ContentStore,
  ) {}

  execute(actor: Principal, { patientKey }: ExportRecordCommand): Promise<Outcome<RecordExport>> {
    return audited(
      { transaction: 'record-export', action: 'document.consult' },
      actor,
      async (audit) => {
        const access = await this.access.authorizeAccessChange(audit, actor, patientKey, {
          kind: 'export',
        });
        // The patient's visibility leaves out what he may not see, deleted documents included.
        const { visibility } = access;
        const documents = await everyPage((page) =>
          this.reader.documents(patientKey, {}, visibility, page),
        );
        const submissionSets = await this.submissionSets(patientKey, visibility);
        audit.documents = documents.map((entry) => entry.uniqueId);
        const content = this.content;
        return {
          patientKey,
          recordClosed: isClosed(access.state.recordStatus),
          exportedAt: new Date(),
          documents,
          submissionSets,
          async *contents() {
            for (const entry of documents) {
              if (!entry.contentId) continue;
              const stored = await content.read(patientKey, entry.contentId);
              if (!stored) throw new Error(`The content of document ${entry.uniqueId} is missing`);
              yield { entry, content: stored };
            }
          },
        };
      },
    );
  }

  private async submissionSets(
    patientKey: string,
    visibility: VisibilityFilter,
  ): Promise<ExportedSubmissionSet[]> {
    const sets = await everyPage((page) =>
      this.reader.submissionSets(patientKey, {}, visibility, page),
    );
    const membersOf = await listMembers(
      this.reader,
      patientKey,
      visibility,
      sets.map((set) => set.entryUuid),
    );
    return sets.map((list) => ({ list, members: membersOf(list.entryUuid) }));
  }
}

/** Every item of a paged read, each once even if the record changes between pages. */
async function everyPage<T extends { entryUuid: string }>(
  read: (page: PageRequest) => Promise<Page<T>>,
): Promise<T[]> {
  const items = new Map<string, T>();
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const page = await read({ limit: PAGE_SIZE, offset });
    for (const item of page.items) items.set(item.entryUuid, item);
    if (page.items.length < PAGE_SIZE || offset + PAGE_SIZE >= page.total) break;
  }
  return [...items.values()];
}
