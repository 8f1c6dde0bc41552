import type {
  CapabilityStatement,
  CapabilityStatementRestResource,
  CapabilityStatementRestResourceOperation,
} from 'fhir/r4';
import type { FhirTransaction } from './fhir-transaction';

/** A truthful CapabilityStatement: exactly the transactions of the door's table. */
export function capabilityStatement(
  transactions: readonly FhirTransaction[],
  baseUrl: string,
  version: string,
): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-12-02',
    kind: 'instance',
    software: { name: 'Passerelle', version },
    implementation: {
      description: 'Passerelle DMP gateway — IHE MHD 4.2 Document Recipient and Responder',
      url: baseUrl,
    },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'application/fhir+xml'],
    instantiates: [
      'https://profiles.ihe.net/ITI/MHD/CapabilityStatement/IHE.MHD.DocumentRecipient',
      'https://profiles.ihe.net/ITI/MHD/CapabilityStatement/IHE.MHD.DocumentRecipient.Simplified',
      'https://profiles.ihe.net/ITI/MHD/CapabilityStatement/IHE.MHD.DocumentResponder',
    ],
    rest: [
      {
        mode: 'server',
        security: {
          cors: false,
          service: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                  code: 'SMART-on-FHIR',
                },
              ],
            },
          ],
          description:
            'Professionals and establishments: mutual TLS with IGC-Santé-style client ' +
            'certificates (PS or ORG profile) and the access assertion. Patients: SMART App ' +
            `Launch 2 patient tokens (discovery at ${baseUrl}/.well-known/smart-configuration).`,
        },
        interaction: transactions.some((t) => 'system' in t.capability)
          ? [{ code: 'transaction' }]
          : [],
        resource: resourcesOf(transactions),
      },
    ],
  };
}

function resourcesOf(transactions: readonly FhirTransaction[]): CapabilityStatementRestResource[] {
  const resources = new Map<string, CapabilityStatementRestResource>();
  for (const { capability, searchParameters } of transactions) {
    if ('system' in capability) continue;
    const resource: CapabilityStatementRestResource = resources.get(capability.resource) ?? {
      type: capability.resource as CapabilityStatementRestResource['type'],
    };
    resources.set(capability.resource, resource);
    if ('operation' in capability) {
      const operation: CapabilityStatementRestResourceOperation = {
        name: capability.operation,
        definition:
          capability.definition ??
          `urn:passerelle:fhir:OperationDefinition:Patient-${capability.operation}`,
      };
      resource.operation = [...(resource.operation ?? []), operation];
      continue;
    }
    // A conditional and an instance PATCH are one interaction, declared once.
    if (!resource.interaction?.some(({ code }) => code === capability.interaction)) {
      resource.interaction = [...(resource.interaction ?? []), { code: capability.interaction }];
    }
    if (capability.profile) resource.profile = capability.profile;
    if (capability.supportedProfile) {
      resource.supportedProfile = [
        ...(resource.supportedProfile ?? []),
        capability.supportedProfile,
      ];
    }
    if (capability.conditional && capability.interaction === 'create') {
      resource.conditionalCreate = true;
    }
    if (capability.conditional && capability.interaction === 'patch') {
      resource.conditionalUpdate = false;
    }
    if (searchParameters) {
      resource.searchParam = searchParameters.map(({ name, type }) => ({ name, type }));
    }
    if (capability.searchInclude) resource.searchInclude = [...capability.searchInclude];
  }
  return [...resources.values()];
}
