import type { Response } from 'express';
import type { FhirReply } from './fhir-transaction';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** Writes a FhirReply: status, headers, then FHIR JSON or the bytes as stored. */
export function sendReply(response: Response, reply: FhirReply): void {
  if (response.headersSent) return;
  response.status(reply.status);
  for (const [name, value] of Object.entries(reply.headers ?? {})) response.setHeader(name, value);
  if (Buffer.isBuffer(reply.body)) {
    response.type(reply.contentType ?? 'application/octet-stream').end(reply.body);
    return;
  }
  response.type(reply.contentType ?? FHIR_JSON).end(JSON.stringify(reply.body));
}
