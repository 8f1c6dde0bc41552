import { SoapFaultError } from './transport/transport-errors';

export type XdsEndpoint = 'registry' | 'repository';

export type XdsTransactionName = 'ITI-41' | 'ITI-42' | 'ITI-18' | 'ITI-43' | 'ITI-57';

export interface XdsTransaction {
  readonly name: XdsTransactionName;
  readonly action: string;
  readonly responseAction: string;
}

const transaction = (name: XdsTransactionName, action: string): XdsTransaction => ({
  name,
  action,
  responseAction: `${action}Response`,
});

/** The WS-Addressing actions each endpoint serves (DESIGN §2 Endpoints). */
const TRANSACTIONS: Record<XdsEndpoint, readonly XdsTransaction[]> = {
  repository: [
    transaction('ITI-41', 'urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b'),
    transaction('ITI-43', 'urn:ihe:iti:2007:RetrieveDocumentSet'),
  ],
  registry: [
    transaction('ITI-42', 'urn:ihe:iti:2007:RegisterDocumentSet-b'),
    transaction('ITI-18', 'urn:ihe:iti:2007:RegistryStoredQuery'),
    transaction('ITI-57', 'urn:ihe:iti:2010:UpdateDocumentSet'),
  ],
};

/** The transaction a wsa:Action names on this endpoint, or the WS-Addressing fault. */
export function transactionFor(endpoint: XdsEndpoint, action: string): XdsTransaction {
  const found = TRANSACTIONS[endpoint].find((candidate) => candidate.action === action);
  if (!found) {
    throw new SoapFaultError({
      code: 'Sender',
      subcode: { ns: 'http://www.w3.org/2005/08/addressing', local: 'ActionNotSupported' },
      reason: `The action ${action} is not served by /xds/${endpoint} (it serves ${TRANSACTIONS[
        endpoint
      ]
        .map((t) => t.action)
        .join(', ')})`,
    });
  }
  return found;
}
