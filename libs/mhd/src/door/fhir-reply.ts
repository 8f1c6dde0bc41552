import { Logger } from '@nestjs/common';
import type { Response } from 'express';
import { Readable, pipeline } from 'node:stream';
import type { FhirReply } from './fhir-transaction';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

const logger = new Logger('FHIR');

/** Writes a FhirReply: status, headers, then FHIR JSON, the bytes as stored, or their stream. */
export function sendReply(response: Response, reply: FhirReply): void {
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
  response.type(reply.contentType ?? FHIR_JSON).end(JSON.stringify(reply.body));
}
