import { Logger } from '@nestjs/common';
import type { Response } from 'express';
import { Readable, pipeline } from 'node:stream';
import { FHIR_JSON, FHIR_XML, type FhirFormat } from './fhir-format';
import type { FhirReply } from './fhir-transaction';
import { fhirXmlOf } from './fhir-xml';

const logger = new Logger('FHIR');

/**
 * Writes a FhirReply: status, headers, then the resource in the negotiated format (FHIR JSON or
 * XML), the bytes as stored, or their stream.
 */
export function sendReply(response: Response, reply: FhirReply, format: FhirFormat = 'json'): void {
  if (response.headersSent) return;
  response.status(reply.status);
  for (const [name, value] of Object.entries(reply.headers ?? {})) response.setHeader(name, value);
  if (Buffer.isBuffer(reply.body)) {
    response.type(reply.contentType ?? 'application/octet-stream').end(reply.body);
    return;
  }
  if (reply.body instanceof Readable) {
    response.type(reply.contentType ?? 'application/octet-stream');
    // Its status is sent already: a stream that fails midway can only be cut short.
    pipeline(reply.body, response, (error) => {
      if (error) logger.error(`A streamed answer was cut short: ${error.stack ?? error.message}`);
    });
    return;
  }
  if (reply.contentType === undefined && format === 'xml') {
    response.type(FHIR_XML).end(fhirXmlOf(reply.body));
    return;
  }
  response.type(reply.contentType ?? FHIR_JSON).end(JSON.stringify(reply.body));
}
