import type { Type } from '@nestjs/common';
import type { Hl7Message } from '@medplum/core';
import type { Outcome, UseCase, UseCaseResolver } from '@passerelle/audit';
import { ProvideAndRegisterDocumentSet } from '@passerelle/document-repository';
import { DomainError, Principal } from '@passerelle/domain';
import { UpdateDocumentSet } from '@passerelle/registry';
import type { Hl7v2Options } from './hl7v2-options';
import { readOriginalDocument } from './mdm-t02-original-document/original-document-message';
import { readReplacement } from './mdm-t10-replacement/replacement-message';
import { readCancellation } from './mdm-t11-cancellation/cancellation-message';
import { readObservationResult } from './oru-r01-observation-result/observation-result-message';
import { messageTypeOf } from './message/hl7-fields';

/** One message the door accepts: its MSH-9, and how it becomes its use case's command. */
interface MessageRow<Command> {
  readonly type: string;
  /** The transaction the audit names until the use case labels it. */
  readonly transaction: string;
  readonly useCase: Type<UseCase<Command, unknown>>;
  readonly read: (message: Hl7Message, options: Hl7v2Options) => Command;
}

export interface Hl7v2Message {
  readonly type: string;
  readonly transaction: string;
  /** Reads the command (a wrong message throws) and runs the use case. */
  handle(
    useCases: UseCaseResolver,
    actor: Principal,
    message: Hl7Message,
    options: Hl7v2Options,
  ): Promise<Outcome<unknown>>;
}

function row<Command>(definition: MessageRow<Command>): Hl7v2Message {
  return {
    type: definition.type,
    transaction: definition.transaction,
    handle: (useCases, actor, message, options) =>
      useCases(definition.useCase).execute(actor, definition.read(message, options)),
  };
}

/** The HL7v2 door's messages: each becomes the use case its XDS.b counterpart runs. */
export const HL7V2_MESSAGES: readonly Hl7v2Message[] = [
  row({
    type: 'MDM^T02',
    transaction: 'ITI-41',
    useCase: ProvideAndRegisterDocumentSet,
    read: readOriginalDocument,
  }),
  row({
    type: 'MDM^T10',
    transaction: 'ITI-41',
    useCase: ProvideAndRegisterDocumentSet,
    read: readReplacement,
  }),
  row({
    type: 'ORU^R01',
    transaction: 'ITI-41',
    useCase: ProvideAndRegisterDocumentSet,
    read: readObservationResult,
  }),
  row({
    type: 'MDM^T11',
    transaction: 'ITI-57',
    useCase: UpdateDocumentSet,
    read: readCancellation,
  }),
];

export function messageRowFor(message: Hl7Message): Hl7v2Message {
  const type = messageTypeOf(message);
  const found = HL7V2_MESSAGES.find((candidate) => candidate.type === type);
  if (!found) {
    throw new DomainError(
      'UNSUPPORTED_OPERATION',
      `${type} is not accepted (accepted: ${HL7V2_MESSAGES.map((m) => m.type).join(', ')})`,
      'MSH-9',
    );
  }
  return found;
}
