import type { SignaturePolicy } from '@passerelle/domain';

export const REPOSITORY_OPTIONS = Symbol('RepositoryOptions');

export interface RepositoryOptions {
  /** OID of this repository: the repositoryUniqueId of every document it stores. */
  readonly repositoryUniqueId: string;
  /** SIGNATURE_POLICY: whether submission sets must carry an IHE DSG signature. */
  readonly signaturePolicy: SignaturePolicy;
}
