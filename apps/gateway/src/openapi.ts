import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

const SOAP_FAULTS = {
  '200': { description: 'A RegistryResponse, AdhocQueryResponse or RetrieveDocumentSetResponse' },
  '400': { description: 'A SOAP Fault: malformed envelope, unknown action' },
  '401': { description: 'A SOAP Fault: no valid client certificate or access assertion' },
  '405': { description: 'Not POST' },
  '415': { description: 'Neither application/soap+xml nor multipart/related (MTOM/XOP)' },
};

/** The XDS.b endpoints: SOAP 1.2 envelopes, described here rather than by a WSDL. */
function xdsPath(transactions: string): OpenAPIObject['paths'][string] {
  return {
    post: {
      tags: ['XDS.b'],
      summary: transactions,
      description:
        'SOAP 1.2 with WS-Addressing; the transaction is the wsa:Action. Mutual TLS with an ' +
        'IGC-Santé-style client certificate; the access assertion (VIHF) in the WS-Security header.',
      requestBody: {
        required: true,
        content: {
          'application/soap+xml': { schema: { type: 'string' } },
          'multipart/related': { schema: { type: 'string', format: 'binary' } },
        },
      },
      responses: SOAP_FAULTS,
    },
  };
}

/**
 * The OpenAPI description of the gateway's non-FHIR HTTP APIs (the FHIR door is described by
 * its CapabilityStatement, the patients' OpenID Connect provider by its discovery documents),
 * served at `/openapi.json` with a documentation page at `/docs`. No patient data: no
 * credentials needed.
 */
export function serveOpenApi(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Passerelle — non-FHIR HTTP APIs')
    .setVersion(version)
    .setDescription(
      'The FHIR door (`/fhir`) is described by its CapabilityStatement at `/fhir/metadata`; ' +
        'the patients’ OpenID Connect provider by `/.well-known/openid-configuration` and ' +
        '`/fhir/.well-known/smart-configuration`.',
    )
    .build();
  const generated = SwaggerModule.createDocument(app, config);
  const document: OpenAPIObject = {
    ...generated,
    paths: {
      ...generated.paths,
      '/xds/registry': xdsPath('ITI-42 Register, ITI-18 Registry Stored Query, ITI-57 Update'),
      '/xds/repository': xdsPath('ITI-41 Provide and Register, ITI-43 Retrieve Document Set'),
    },
  };
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
  });
  return document;
}
