import { Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AuditContext, AuditTrail, UseCaseResolver, useCaseResolver } from '@passerelle/audit';
import { CertifiedPrincipal, DomainError } from '@passerelle/domain';
import {
  ClientCertificates,
  SamlAssertionVerifier,
  isDatabaseUnavailable,
} from '@passerelle/platform';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { decodeXml, parseXml } from './xml/xml-parser';
import { NS, childOf } from './xml/xml-element';
import { readSoapRequest } from './transport/mime';
import { SoapEnvelope, readEnvelope } from './transport/soap-request';
import {
  mtomResponse,
  mtomResponseChunks,
  soapEnvelope,
  soapEnvelopeChunks,
  soapFault,
} from './transport/soap-response';
import { SoapFaultError, TransportRejected, XmlRejected } from './transport/transport-errors';
import type { SoapRequest } from './transport/soap-request-body';
import { TransactionResult, XdsEndpoint, XdsTransaction, transactionFor } from './xds-transactions';
import { XDS_OPTIONS, XdsOptions } from './xds-options';
import { unavailableError } from './xds-unavailable';

/** What the controller writes back: SOAP over HTTP, plain or MTOM-packaged. */
export interface XdsAnswer {
  readonly status: number;
  readonly contentType: string;
  /** Whole, or chunks serialised as they are written (after the audit, see `audited`). */
  readonly body: string | Iterable<string | Buffer>;
}

const SOAP_XML = 'application/soap+xml; charset=utf-8';
const WSSE_FAILED_AUTHENTICATION = { ns: NS.wsse, local: 'FailedAuthentication' };
const logger = new Logger('XDS');

/**
 * The XDS.b door: one pipeline for every transaction — read the SOAP request (plain or MTOM),
 * authenticate (TLS certificate + SAML assertion), find the transaction of wsa:Action in the
 * table, let it read its command and run its use case, write the audit facts the use case
 * recorded, answer. SOAP Faults only for envelope and security failures; everything else is a
 * registry response. The door decides nothing.
 */
@Injectable()
export class XdsService {
  private readonly useCases: UseCaseResolver;

  constructor(
    @Inject(XDS_OPTIONS) private readonly options: XdsOptions,
    moduleRef: ModuleRef,
    private readonly assertions: SamlAssertionVerifier,
    private readonly auditTrail: AuditTrail,
    private readonly clientCertificates: ClientCertificates,
  ) {
    this.useCases = useCaseResolver(moduleRef);
  }

  async handle(endpoint: XdsEndpoint, request: IncomingMessage): Promise<XdsAnswer> {
    let audit = new AuditContext(`POST /xds/${endpoint}`, 'unknown');
    let relatesTo: string | undefined;
    /** Once the transaction is known, how it says that the database is out of reach. */
    let unavailable: (() => XdsAnswer) | undefined;
    let answer: XdsAnswer;
    let auditStatus: number;
    try {
      const presenter = await this.clientCertificates.presenterOf(request);
      audit = new AuditContext(`POST /xds/${endpoint}`, 'unknown', presenter);
      if (request.method !== 'POST') {
        throw new SoapFaultError(
          { code: 'Sender', reason: 'XDS.b endpoints accept POST only' },
          405,
        );
      }
      const soap = await this.readSoap(request);
      relatesTo = soap.envelope.messageId;
      const transaction = transactionFor(endpoint, soap.envelope.action);
      unavailable = () =>
        packaged(transaction, soap, transaction.failure(unavailableError(transaction)), relatesTo);
      audit = new AuditContext(transaction.name, 'unknown', presenter);
      const principal = this.principalOf(soap, presenter);
      audit = new AuditContext(transaction.name, 'unknown', principal);
      let result: TransactionResult;
      try {
        const outcome = await transaction.handle(this.useCases, principal, soap, this.options);
        audit = outcome.audit;
        if (!outcome.ok) throw outcome.error;
        result = outcome.value;
      } catch (error) {
        if (!(error instanceof DomainError) || error.code === 'UNAUTHENTICATED') throw error;
        result = transaction.failure(error);
      }
      answer = packaged(transaction, soap, result, relatesTo);
      auditStatus = result.auditStatus;
    } catch (error) {
      [answer, auditStatus] =
        unavailable && isDatabaseUnavailable(error)
          ? [unavailable(), 503]
          : faultAnswer(error, relatesTo);
    }
    return this.audited(audit, answer, auditStatus, relatesTo, unavailable);
  }

  private async readSoap(request: IncomingMessage): Promise<SoapRequest> {
    const declared = Number(request.headers['content-length']);
    if (declared > this.options.maxRequestBytes) {
      throw new TransportRejected(
        'request-too-large',
        `The request exceeds ${this.options.maxRequestBytes} bytes`,
      );
    }
    const body = await readSoapRequest(request, request.headers['content-type'], {
      maxRequestBytes: this.options.maxRequestBytes,
      maxPartBytes: this.options.maxPartBytes,
    });
    const rootXml = decodeXml(body.root);
    const envelope: SoapEnvelope = readEnvelope(parseXml(rootXml));
    return { envelope, rootXml, attachments: body.attachments, mtom: body.mtom };
  }

  /** Without an assertion the TLS certificate alone speaks (DIRECTE, normal use). */
  private principalOf(soap: SoapRequest, presenter: CertifiedPrincipal): CertifiedPrincipal {
    const security = soap.envelope.security;
    if (!security || !childOf(security, NS.saml2, 'Assertion')) return presenter;
    return this.assertions.verify(soap.rootXml, presenter);
  }

  /**
   * No answer leaves unaudited: if the audit cannot be written, the caller gets a fault, or the
   * transaction's "not available" failure when the database is out of reach.
   */
  private async audited(
    audit: AuditContext,
    answer: XdsAnswer,
    auditStatus: number,
    relatesTo: string | undefined,
    unavailable: (() => XdsAnswer) | undefined,
  ): Promise<XdsAnswer> {
    try {
      await this.auditTrail.complete(audit, auditStatus);
      return answer;
    } catch (error) {
      if (unavailable && isDatabaseUnavailable(error)) return unavailable();
      return faultAnswer(error, relatesTo)[0];
    }
  }
}

function packaged(
  transaction: XdsTransaction,
  soap: SoapRequest,
  result: TransactionResult,
  relatesTo: string | undefined,
): XdsAnswer {
  const message = { action: transaction.responseAction, relatesTo };
  const mtom = soap.mtom || result.attachments.length > 0;
  if (typeof result.body !== 'string') {
    const envelope = soapEnvelopeChunks({ ...message, body: result.body });
    if (!mtom) return { status: 200, contentType: SOAP_XML, body: envelope };
    const { contentType, body } = mtomResponseChunks(envelope, [...result.attachments]);
    return { status: 200, contentType, body };
  }
  const envelope = soapEnvelope({ ...message, body: result.body });
  if (!mtom) return { status: 200, contentType: SOAP_XML, body: envelope };
  const { contentType, body } = mtomResponse(envelope, [...result.attachments]);
  return { status: 200, contentType, body };
}

/**
 * SOAP 1.2 over HTTP (Part 2 §7.5.1.2, Table 20): Sender faults are 400 (401 for authentication);
 * Receiver, VersionMismatch and MustUnderstand faults 500.
 */
function faultAnswer(error: unknown, relatesTo: string | undefined): [XdsAnswer, number] {
  const fault = faultOf(error);
  const status = fault.status;
  return [{ status, contentType: SOAP_XML, body: soapFault(fault.error, relatesTo) }, status];
}

function faultOf(error: unknown): { error: SoapFaultError; status: number } {
  if (error instanceof SoapFaultError) {
    return { error, status: error.httpStatus ?? (error.code === 'Sender' ? 400 : 500) };
  }
  if (error instanceof DomainError && error.code === 'UNAUTHENTICATED') {
    return {
      error: new SoapFaultError({
        code: 'Sender',
        subcode: WSSE_FAILED_AUTHENTICATION,
        reason: error.message,
      }),
      status: 401,
    };
  }
  if (isDatabaseUnavailable(error)) {
    logger.warn(`The database is unavailable: ${String(error)}`);
    return {
      error: new SoapFaultError({
        code: 'Receiver',
        reason: 'The registry is temporarily unavailable; retry later',
      }),
      status: 503,
    };
  }
  if (error instanceof XmlRejected) {
    return {
      error: new SoapFaultError({ code: 'Sender', reason: `Malformed XML: ${error.message}` }),
      status: 400,
    };
  }
  if (error instanceof TransportRejected) {
    return {
      error: new SoapFaultError({ code: 'Sender', reason: error.message }),
      status: TRANSPORT_STATUS[error.reason] ?? 400,
    };
  }
  const correlationId = randomUUID();
  logger.error(`[${correlationId}] ${(error as Error)?.stack ?? String(error)}`);
  return {
    error: new SoapFaultError({
      code: 'Receiver',
      reason: `Internal error (correlation id ${correlationId})`,
    }),
    status: 500,
  };
}

const TRANSPORT_STATUS: Partial<Record<TransportRejected['reason'], number>> = {
  'unsupported-media-type': 415,
  'request-too-large': 413,
  'part-too-large': 413,
};
