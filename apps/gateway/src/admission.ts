import { DomainError } from '@passerelle/domain';
import { FhirDoor, answerFhirError, operationOutcomeFrom, simpleOutcome } from '@passerelle/mhd';
import { AppConfig, RETRY_AFTER_SECONDS, principalOfSocket } from '@passerelle/platform';
import { busyEnvelope, soapFault } from '@passerelle/xds';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import type { TLSSocket } from 'node:tls';

/** Node's HTTP server settings from the configuration: slow clients are cut (slow loris). */
export function httpServerOptions(http: AppConfig['http']) {
  return {
    headersTimeout: http.headersTimeoutMs,
    requestTimeout: http.requestTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    handshakeTimeout: http.headersTimeoutMs,
    // Node checks the two request timeouts this often (default 30 s, longer than the limits).
    connectionsCheckingInterval: Math.min(1000, http.headersTimeoutMs),
  };
}

/** Requests that sent `Expect: 100-continue`: admission decides whether their body is wanted. */
const expectingContinue = new WeakSet<IncomingMessage>();

/**
 * Node grants `Expect: 100-continue` itself unless told otherwise: the request goes through the
 * middleware instead, and {@link admission} sends 100 Continue only for a body it will read.
 */
export function decideExpectContinue(server: Server): void {
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    expectingContinue.add(request);
    server.emit('request', request, response);
  });
}

const SOAP_XML = 'application/soap+xml; charset=utf-8';
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const XDS_PATH = /^\/xds\/(registry|repository)\/?$/;
/** RFC 9110 Host: a name, an IPv4 address or a bracketed IPv6 address, then an optional port. */
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~-]+)(:[0-9]{1,5})?$/;

/**
 * What happens before any body is read: an HTTP/1.1 request with no Host, or one with several or
 * a malformed one, is refused (400); under `Expect: 100-continue`, a body larger than the limit (413) or a request
 * that cannot authenticate (401) is refused unread; at most `maxConcurrentLargeBodies` bodies
 * above `largeBodyBytes` (or of unknown length) are read at once, the others are answered 503
 * with Retry-After at once. Refusals of unread bodies close the connection.
 */
export function admission(config: AppConfig, door: FhirDoor): RequestHandler {
  const { maxConcurrentLargeBodies, largeBodyBytes } = config.http;
  let largeBodiesBeingRead = 0;
  return (request: Request, response: Response, next: NextFunction) => {
    const xds = XDS_PATH.exec(request.path)?.[1] as 'registry' | 'repository' | undefined;
    if (!hasOneValidHost(request)) {
      refuseHost(response, xds !== undefined);
      return;
    }
    const expects = expectingContinue.has(request);
    const refusal = expects ? refusalBeforeReading(request, config.maxRequestBytes) : undefined;
    if (refusal !== undefined) {
      response.setHeader('Connection', 'close');
      // The XDS door refuses these before reading too, audited: let it answer.
      if (xds) next();
      else void answerFhirError(refusal, request, response, door);
      return;
    }
    if (isLarge(request, largeBodyBytes)) {
      if (largeBodiesBeingRead >= maxConcurrentLargeBodies) {
        answerBusy(response, xds);
        return;
      }
      largeBodiesBeingRead++;
      response.once('close', () => largeBodiesBeingRead--);
    }
    if (expects) response.writeContinue();
    next();
  };
}

/**
 * Node keeps only the first of several Host lines: they are counted in the raw headers. HTTP/1.0
 * may omit Host (load balancers' health checks often do).
 */
function hasOneValidHost(request: Request): boolean {
  const hosts = request.rawHeaders.filter((name, index) => index % 2 === 0 && /^host$/i.test(name));
  if (hosts.length === 0) return request.httpVersion === '1.0';
  return hosts.length === 1 && HOST.test(request.headers.host ?? '');
}

function refuseHost(response: Response, xds: boolean): void {
  const reason = 'A request names exactly one valid Host';
  response.status(400).setHeader('Connection', 'close');
  if (xds) response.type(SOAP_XML).end(soapFault({ code: 'Sender', reason }));
  else response.type(FHIR_JSON).end(JSON.stringify(simpleOutcome('structure', reason)));
}

function declaredLength(request: Request): number | undefined {
  const header = request.headers['content-length'];
  return header === undefined ? undefined : Number(header);
}

/** A body that will not be read: too large by its own declaration, or nobody to read it for. */
function refusalBeforeReading(request: Request, maxRequestBytes: number): unknown {
  if ((declaredLength(request) ?? 0) > maxRequestBytes) {
    return Object.assign(new Error('The request body is too large'), {
      status: 413,
      type: 'entity.too.large',
    });
  }
  if (!/^\/(fhir|xds)(\/|$)/.test(request.path)) return undefined;
  return authenticationRefusal(request);
}

/**
 * A verified client certificate, or on /fhir without one a patient token (verified once the
 * request is read). Anything else is refused as the guards would refuse it.
 */
function authenticationRefusal(request: Request): DomainError | undefined {
  const socket = request.socket as TLSSocket;
  const certificateSent = socket.encrypted && Object.keys(socket.getPeerCertificate()).length > 0;
  const fhir = request.path.startsWith('/fhir');
  if (fhir && !certificateSent && /^Bearer +\S+ *$/i.test(request.headers.authorization ?? '')) {
    return undefined;
  }
  try {
    principalOfSocket(socket);
    return undefined;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
}

function isLarge(request: Request, largeBodyBytes: number): boolean {
  const declared = declaredLength(request);
  if (declared !== undefined) return declared > largeBodyBytes;
  return request.headers['transfer-encoding'] !== undefined;
}

/** Nothing was read or done: not audited, logged with the request like any other answer. */
function answerBusy(response: Response, xds: 'registry' | 'repository' | undefined): void {
  response
    .status(503)
    .setHeader('Retry-After', String(RETRY_AFTER_SECONDS))
    .setHeader('Connection', 'close');
  if (xds) {
    response.type(SOAP_XML).end(busyEnvelope(xds));
    return;
  }
  const busy = new DomainError(
    'REGISTRY_BUSY',
    'Too many large requests are being received; retry later',
  );
  response.type(FHIR_JSON).end(JSON.stringify(operationOutcomeFrom(busy)));
}
