import { Inject, Injectable } from '@nestjs/common';
import { AccessControl } from '@passerelle/access-control';
import { Outcome, UseCase, audited } from '@passerelle/audit';
import type {
  Folder,
  PageRequest,
  Principal,
  SubmissionSet,
  SubmissionSetFilter,
} from '@passerelle/domain';
import { REGISTRY_READER, RegistryReader } from '../ports';
import { ListMember, listMembers } from './list-members';

export interface FindDocumentListsCommand {
  readonly patientKey: string;
  readonly kinds: readonly ('submissionset' | 'folder')[];
  readonly filter: SubmissionSetFilter;
  readonly page: PageRequest;
}

export interface FoundLists {
  readonly submissionSets: readonly { list: SubmissionSet; members: readonly ListMember[] }[];
  readonly folders: readonly { list: Folder; members: readonly ListMember[] }[];
  readonly total: number;
}

/**
 * ITI-66 Find Document Lists: the patient's SubmissionSets and Folders, with the members the
 * caller may see; a list whose documents are all hidden from the caller is not listed at all.
 */
@Injectable()
export class FindDocumentLists implements UseCase<FindDocumentListsCommand, FoundLists> {
  constructor(
    private readonly access: AccessControl,
    @Inject(REGISTRY_READER) private readonly reader: RegistryReader,
  ) {}

  execute(
    actor: Principal,
    { patientKey, kinds, filter, page }: FindDocumentListsCommand,
  ): Promise<Outcome<FoundLists>> {
    return audited({ transaction: 'ITI-66', action: 'document.consult' }, actor, async (audit) => {
      const { visibility } = await this.access.authorize(
        audit,
        actor,
        'document.consult',
        patientKey,
      );
      const none = { items: [], total: 0 };
      const [sets, folders] = await Promise.all([
        kinds.includes('submissionset')
          ? this.reader.submissionSets(patientKey, filter, visibility, page)
          : none,
        kinds.includes('folder') ? this.reader.folders(patientKey, {}, visibility, page) : none,
      ]);
      const membersOf = await listMembers(this.reader, patientKey, visibility, [
        ...sets.items.map((s) => s.entryUuid),
        ...folders.items.map((f) => f.entryUuid),
      ]);
      return {
        submissionSets: sets.items.map((list) => ({ list, members: membersOf(list.entryUuid) })),
        folders: folders.items.map((list) => ({ list, members: membersOf(list.entryUuid) })),
        total: sets.total + folders.total,
      };
    });
  }
}
