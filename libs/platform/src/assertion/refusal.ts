import { DomainError } from '@passerelle/domain';

/** What a refused signer becomes, given why. */
export type Refusal = (reason: string) => DomainError;

/** Every refusal of an access assertion is a 401 that says why. */
export const refused: Refusal = (reason) =>
  new DomainError('UNAUTHENTICATED', `Access assertion refused: ${reason}`);
