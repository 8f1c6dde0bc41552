import { DomainError } from '@passerelle/domain';
import { registryErrorsFrom, registryResponse } from './ebrim/registry-response';
import { soapEnvelope } from './transport/soap-response';
import type { XdsEndpoint, XdsTransaction } from './xds-transactions';

const RETRY = 'retry later';

/**
 * The database out of reach, as the transaction reports it: XDSRegistryNotAvailable on the
 * registry; XDSRepositoryNotAvailable on the repository, and for ITI-41 also
 * XDSRegistryNotAvailable, the ITI TF-3 code of a repository that cannot reach its registry.
 */
export function unavailableError(transaction: XdsTransaction): DomainError {
  const registry = {
    code: 'REGISTRY_UNAVAILABLE',
    message: `The registry is temporarily unavailable; ${RETRY}`,
  } as const;
  if (transaction.endpoint === 'registry') return DomainError.of([registry]);
  const repository = {
    code: 'REPOSITORY_UNAVAILABLE',
    message: `The repository is temporarily unavailable; ${RETRY}`,
  } as const;
  return DomainError.of(transaction.name === 'ITI-41' ? [repository, registry] : [repository]);
}

/** The transaction a large body on this endpoint is: the answer names its response action. */
const LARGE_BODY_RESPONSE_ACTION: Record<XdsEndpoint, string> = {
  registry: 'urn:ihe:iti:2007:RegisterDocumentSet-bResponse',
  repository: 'urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-bResponse',
};

/**
 * A SOAP 1.2 envelope refusing a request whose body was not read because too many large bodies
 * are being read: a RegistryResponse Failure with XDSRegistryBusy or XDSRepositoryBusy.
 */
export function busyEnvelope(endpoint: XdsEndpoint): string {
  const error = new DomainError(
    endpoint === 'registry' ? 'REGISTRY_BUSY' : 'REPOSITORY_BUSY',
    `Too many large requests are being received; ${RETRY}`,
  );
  return soapEnvelope({
    action: LARGE_BODY_RESPONSE_ACTION[endpoint],
    body: registryResponse('Failure', registryErrorsFrom(error)),
  });
}
