import type { Actor, Decision } from './access-request';

/**
 * Who may search the professional directory: reference data that names no patient, searched
 * to choose whom to authorise, block or address. Any actor kind not listed is refused.
 */
export const DIRECTORY_SEARCHERS: readonly Actor['kind'][] = ['PS', 'ORG', 'PATIENT'];

/** Those never let in (insurers, mutuelles, medical advisers) are not let into the directory either. */
export function decideDirectorySearch(actor: Actor): Decision {
  if (actor.forbiddenActor) return { allowed: false, reason: 'FORBIDDEN_ACTOR' };
  if (!DIRECTORY_SEARCHERS.includes(actor.kind)) return { allowed: false, reason: 'NOT_PERMITTED' };
  return { allowed: true, basis: 'directory', emergency: false };
}
