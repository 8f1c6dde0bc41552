export const REPOSITORY_OPTIONS = Symbol('RepositoryOptions');

export interface RepositoryOptions {
  /** OID of this repository: the repositoryUniqueId of every document it stores. */
  readonly repositoryUniqueId: string;
}
