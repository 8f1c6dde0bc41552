import { READ_ACCESS_HISTORY } from '../audit-event/access-history';
import { FIND_CONSENTS, READ_CONSENT } from '../consent/consent-transactions';
import { FIND_ORGANIZATIONS, FIND_PRACTITIONERS } from '../directory/directory-transactions';
import { PROVIDE_DOCUMENT_BUNDLE } from '../iti-65-provide-document-bundle/provide-document-bundle';
import { FIND_DOCUMENT_LISTS } from '../iti-66-find-document-lists/find-document-lists';
import {
  FIND_DOCUMENT_REFERENCES,
  READ_DOCUMENT_REFERENCE,
} from '../iti-67-find-document-references/find-document-references';
import { RETRIEVE_DOCUMENT } from '../iti-68-retrieve-document/retrieve-document';
import { SIMPLIFIED_PUBLISH } from '../iti-105-simplified-publish/simplified-publish';
import {
  DELETE_DOCUMENT_REFERENCE,
  UPDATE_DOCUMENT_METADATA,
  UPDATE_DOCUMENT_METADATA_CONDITIONALLY,
} from '../metadata-update/update-document-metadata';
import { RECORD_OPERATIONS } from '../patient/record-operations';
import { FIND_RECORD, OPEN_RECORD, READ_RECORD } from '../patient/record-transactions';
import { RECORD_ARCHIVE, RECORD_EVERYTHING } from '../record-export/record-export';
import { DomainError } from '@passerelle/domain';
import type { FhirTransaction } from './fhir-transaction';

/**
 * The FHIR door's one table of transactions: it drives dispatch, the accepted search
 * parameters and the CapabilityStatement (`GET /fhir/metadata`, answered by the door itself).
 */
export const FHIR_TRANSACTIONS: readonly FhirTransaction[] = [
  PROVIDE_DOCUMENT_BUNDLE,
  SIMPLIFIED_PUBLISH,
  FIND_DOCUMENT_REFERENCES,
  READ_DOCUMENT_REFERENCE,
  UPDATE_DOCUMENT_METADATA_CONDITIONALLY,
  UPDATE_DOCUMENT_METADATA,
  DELETE_DOCUMENT_REFERENCE,
  FIND_DOCUMENT_LISTS,
  RETRIEVE_DOCUMENT,
  OPEN_RECORD,
  FIND_RECORD,
  READ_RECORD,
  ...RECORD_OPERATIONS,
  RECORD_EVERYTHING,
  RECORD_ARCHIVE,
  READ_ACCESS_HISTORY,
  FIND_CONSENTS,
  READ_CONSENT,
  FIND_PRACTITIONERS,
  FIND_ORGANIZATIONS,
];

export interface RouteMatch {
  readonly transaction: FhirTransaction;
  readonly params: Record<string, string>;
}

/**
 * The transaction for a method and a path under /fhir; `methods` lists what the path accepts
 * when the method is not one of them (405), and is empty for a path no transaction serves (404).
 */
export function route(
  method: string,
  path: string,
): RouteMatch | { readonly methods: readonly string[] } {
  const segments = path.split('/').filter(Boolean);
  const matching = FHIR_TRANSACTIONS.flatMap((transaction) => {
    const params = matchPath(transaction.path, segments);
    return params ? [{ transaction, params }] : [];
  });
  return (
    matching.find((match) => match.transaction.method === method) ?? {
      methods: matching.map((match) => match.transaction.method),
    }
  );
}

function matchPath(pattern: string, segments: readonly string[]): Record<string, string> | null {
  const parts = pattern.split('/').filter(Boolean);
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    if (part.startsWith(':')) params[part.slice(1)] = decoded(segments[index]);
    else if (part !== segments[index]) return null;
  }
  return params;
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new DomainError('MALFORMED_REQUEST', 'The request path is not valid percent-encoding');
  }
}
