import { Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Hl7Message } from '@medplum/core';
import { AuditContext, AuditTrail, UseCaseResolver, useCaseResolver } from '@passerelle/audit';
import { DomainError } from '@passerelle/domain';
import { ClientCertificates } from '@passerelle/platform';
import { randomUUID } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { messageRowFor } from './hl7v2-messages';
import { HL7V2_OPTIONS, Hl7v2Options } from './hl7v2-options';
import { acceptance, refusal } from './message/acknowledgement';
import { messageTypeOf } from './message/hl7-fields';

const logger = new Logger('HL7v2');

/**
 * The HL7v2 door: authenticates the connection's certificate (an establishment's ORG certificate
 * speaks for its structure, as on ITI-41 without an assertion), finds the message in its table,
 * lets it become its use case's command, runs the use case (which decides access and audits),
 * writes the audit, answers the ACK. It decides nothing.
 */
@Injectable()
export class Hl7v2Door {
  private readonly useCases: UseCaseResolver;

  constructor(
    moduleRef: ModuleRef,
    private readonly auditTrail: AuditTrail,
    @Inject(HL7V2_OPTIONS) private readonly options: Hl7v2Options,
    private readonly clientCertificates: ClientCertificates,
  ) {
    this.useCases = useCaseResolver(moduleRef);
  }

  async answer(message: Hl7Message, socket: TLSSocket): Promise<Hl7Message> {
    let audit = new AuditContext(`HL7v2 ${messageTypeOf(message)}`, 'unknown');
    let ack: Hl7Message;
    let auditStatus = 200;
    try {
      const presenter = await this.clientCertificates.presenterOfSocket(socket);
      audit = new AuditContext(audit.transaction, 'unknown', presenter);
      const row = messageRowFor(message);
      audit = new AuditContext(row.transaction, 'unknown', presenter);
      const outcome = await row.handle(this.useCases, presenter, message, this.options);
      audit = outcome.audit;
      if (!outcome.ok) throw outcome.error;
      ack = acceptance(message);
    } catch (error) {
      const refused = asDomainError(error);
      ack = refusal(message, refused);
      auditStatus = refused.catalogue.httpStatus;
    }
    return this.audited(audit, auditStatus, message, ack);
  }

  /** No answer leaves unaudited: if the audit cannot be written, the sender gets an AE. */
  private async audited(
    audit: AuditContext,
    status: number,
    message: Hl7Message,
    ack: Hl7Message,
  ): Promise<Hl7Message> {
    try {
      await this.auditTrail.complete(audit, status);
      return ack;
    } catch (error) {
      return refusal(message, asDomainError(error));
    }
  }
}

function asDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  const correlationId = randomUUID();
  logger.error(`[${correlationId}] ${(error as Error)?.stack ?? String(error)}`);
  return new DomainError('INTERNAL', `Internal error (correlation id ${correlationId})`);
}
