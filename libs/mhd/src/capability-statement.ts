import type { CapabilityStatement, CapabilityStatementRestResource } from 'fhir/r4';

const token = (name: string) => ({ name, type: 'token' as const });
const date = (name: string) => ({ name, type: 'date' as const });
const str = (name: string) => ({ name, type: 'string' as const });
const reference = (name: string) => ({ name, type: 'reference' as const });

const RESOURCES: CapabilityStatementRestResource[] = [
  {
    type: 'DocumentReference',
    profile:
      'https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Comprehensive.DocumentReference',
    interaction: [{ code: 'read' }, { code: 'search-type' }, { code: 'patch' }],
    conditionalUpdate: false,
    searchParam: [
      reference('patient'),
      token('patient.identifier'),
      token('status'),
      token('type'),
      token('category'),
      date('date'),
      date('period'),
      str('author.given'),
      str('author.family'),
      token('setting'),
      token('facility'),
      token('event'),
      token('security-label'),
      token('format'),
      token('related'),
      token('identifier'),
      token('_id'),
    ],
  },
  {
    type: 'List',
    profile:
      'https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Comprehensive.SubmissionSet',
    interaction: [{ code: 'search-type' }],
    searchParam: [
      reference('patient'),
      token('patient.identifier'),
      token('code'),
      token('status'),
      date('date'),
      token('identifier'),
      token('source.identifier'),
      token('designationType'),
    ],
  },
  { type: 'Binary', interaction: [{ code: 'read' }] },
  {
    type: 'Patient',
    interaction: [{ code: 'read' }, { code: 'search-type' }, { code: 'create' }],
    conditionalCreate: true,
    searchParam: [token('identifier'), token('_id')],
  },
];

/** A truthful CapabilityStatement: exactly the interactions this server implements. */
export function capabilityStatement(baseUrl: string, version: string): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-22',
    kind: 'instance',
    software: { name: 'Passerelle', version },
    implementation: {
      description: 'Passerelle DMP gateway — IHE MHD 4.2 Document Recipient and Responder',
      url: baseUrl,
    },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    instantiates: [
      'https://profiles.ihe.net/ITI/MHD/CapabilityStatement/IHE.MHD.DocumentRecipient',
      'https://profiles.ihe.net/ITI/MHD/CapabilityStatement/IHE.MHD.DocumentResponder',
    ],
    rest: [
      {
        mode: 'server',
        security: {
          cors: false,
          description: 'Mutual TLS with IGC-Santé-style client certificates (PS or ORG profile)',
        },
        interaction: [{ code: 'transaction' }],
        resource: RESOURCES,
      },
    ],
  };
}
