import type { Type } from '@nestjs/common';
import type { Hl7Message } from '@medplum/core';
import type { UseCase } from '@passerelle/audit';
import { ProvideAndRegisterDocumentSet } from '@passerelle/document-repository';
import { DomainError } from '@passerelle/domain';
import type { SubmissionDraft } from '@passerelle/registry';
import { readOriginalDocument } from './mdm-t02-original-document/original-document-message';
import { readReplacement } from './mdm-t10-replacement/replacement-message';
import { messageTypeOf } from './message/hl7-fields';

/** One message the door accepts: its MSH-9, the use case it becomes, how it is read. */
export interface Hl7v2MessageRow<Command> {
  readonly type: string;
  /** The transaction the audit names until the use case labels it. */
  readonly transaction: string;
  readonly useCase: Type<UseCase<Command, unknown>>;
  readonly read: (message: Hl7Message) => Command;
}

const MDM_T02: Hl7v2MessageRow<SubmissionDraft> = {
  type: 'MDM^T02',
  transaction: 'ITI-41',
  useCase: ProvideAndRegisterDocumentSet,
  read: readOriginalDocument,
};

const MDM_T10: Hl7v2MessageRow<SubmissionDraft> = {
  type: 'MDM^T10',
  transaction: 'ITI-41',
  useCase: ProvideAndRegisterDocumentSet,
  read: readReplacement,
};

/** The HL7v2 door's messages: each becomes the use case its XDS.b counterpart runs. */
export const HL7V2_MESSAGES: readonly Hl7v2MessageRow<SubmissionDraft>[] = [MDM_T02, MDM_T10];

export function messageRowFor(message: Hl7Message): Hl7v2MessageRow<SubmissionDraft> {
  const type = messageTypeOf(message);
  const row = HL7V2_MESSAGES.find((candidate) => candidate.type === type);
  if (!row) {
    throw new DomainError(
      'UNSUPPORTED_OPERATION',
      `${type} is not accepted (accepted: ${HL7V2_MESSAGES.map((m) => m.type).join(', ')})`,
      'MSH-9',
    );
  }
  return row;
}
