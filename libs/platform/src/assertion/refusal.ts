import { DomainError } from '@passerelle/domain';

/** Every refusal of an access assertion is a 401 that says why. */
export function refused(reason: string): DomainError {
  return new DomainError('UNAUTHENTICATED', `Access assertion refused: ${reason}`);
}
