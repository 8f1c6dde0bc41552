import { Inject, Injectable } from '@nestjs/common';
import {
  AccessControl,
  DIRECTORY_SEARCH,
  DirectorySearch,
  Professional,
  Structure,
  nameWords,
  professionalIdNat,
} from '@passerelle/access-control';
import { AuditLabel, Outcome, UseCase, audited } from '@passerelle/audit';
import { DomainError, Page, PageRequest, Principal } from '@passerelle/domain';

export type { Exercise, Professional, Structure } from '@passerelle/access-control';

/** Results per page: 20 unless asked, never more than 50. */
export const DIRECTORY_PAGE = { default: 20, max: 50 } as const;
/** A shorter name would match a good part of the directory. */
const MIN_LONGEST_WORD = 2;
const MAX_WORDS = 5;

export interface SearchDirectoryCommand {
  readonly name?: string;
  /** idNat_PS (`8`+RPPS, `0`+ADELI…), or the 11-digit RPPS alone. */
  readonly identifier?: string;
  /** TRE_G15 profession. */
  readonly professionCode?: string;
  readonly page: PageRequest;
}

export interface SearchStructuresCommand {
  readonly name?: string;
  /** idNat_Struct. */
  readonly structureId?: string;
  readonly page: PageRequest;
}

const SEARCH_PROFESSIONALS: AuditLabel = {
  transaction: 'directory-search',
  action: 'professional.search',
};
const SEARCH_STRUCTURES: AuditLabel = {
  transaction: 'directory-search',
  action: 'structure.search',
};

/**
 * The professional directory, searched by the patient (or a professional, an establishment)
 * to find whom to authorise or block: by name, case and accents aside, each word the
 * beginning of one of the professional's names; by idNat_PS or RPPS; by profession.
 */
@Injectable()
export class SearchDirectory implements UseCase<SearchDirectoryCommand, Page<Professional>> {
  constructor(
    private readonly access: AccessControl,
    @Inject(DIRECTORY_SEARCH) private readonly directory: DirectorySearch,
  ) {}

  execute(actor: Principal, command: SearchDirectoryCommand): Promise<Outcome<Page<Professional>>> {
    return audited(SEARCH_PROFESSIONALS, actor, async (audit) => {
      await this.access.authorizeDirectorySearch(audit, actor);
      const { name, identifier, professionCode } = command;
      if (name === undefined && identifier === undefined && professionCode === undefined) {
        throw new DomainError(
          'METADATA_MISSING',
          'Search the directory by name, identifier or qualification',
        );
      }
      return this.directory.searchProfessionals(
        {
          ...(name !== undefined ? { nameWords: searchedWords(name) } : {}),
          ...(identifier !== undefined ? { idNat: professionalIdNat(identifier) } : {}),
          ...(professionCode !== undefined ? { professionCode } : {}),
        },
        directoryPage(command.page),
      );
    });
  }
}

/** The structures of the directory (where its professionals practise), by name or idNat_Struct. */
@Injectable()
export class SearchStructures implements UseCase<SearchStructuresCommand, Page<Structure>> {
  constructor(
    private readonly access: AccessControl,
    @Inject(DIRECTORY_SEARCH) private readonly directory: DirectorySearch,
  ) {}

  execute(actor: Principal, command: SearchStructuresCommand): Promise<Outcome<Page<Structure>>> {
    return audited(SEARCH_STRUCTURES, actor, async (audit) => {
      await this.access.authorizeDirectorySearch(audit, actor);
      const { name, structureId } = command;
      if (name === undefined && structureId === undefined) {
        throw new DomainError('METADATA_MISSING', 'Search the structures by name or identifier');
      }
      return this.directory.searchStructures(
        {
          ...(name !== undefined ? { nameWords: searchedWords(name) } : {}),
          ...(structureId !== undefined ? { structureId } : {}),
        },
        directoryPage(command.page),
      );
    });
  }
}

function searchedWords(name: string): string[] {
  const words = nameWords(name);
  if (!words.some((word) => word.length >= MIN_LONGEST_WORD)) {
    throw new DomainError(
      'METADATA_INVALID',
      `name needs a word of ${MIN_LONGEST_WORD} letters or digits at least`,
    );
  }
  if (words.length > MAX_WORDS) {
    throw new DomainError('METADATA_INVALID', `name may have ${MAX_WORDS} words at most`);
  }
  return words;
}

function directoryPage(page: PageRequest): PageRequest {
  return { limit: Math.min(page.limit, DIRECTORY_PAGE.max), offset: page.offset };
}
