import { Hl7Message, Hl7Segment } from '@medplum/core';
import { DomainError, ERROR_CATALOGUE, ErrorCode } from '@passerelle/domain';
import { escapeHl7 } from './hl7-fields';

/** MSA-1: accepted, error (the message is wrong), rejected (the sender may not do this). */
export type AcknowledgementCode = 'AA' | 'AE' | 'AR';

/** HL7 table 0357 (message error condition codes) for the catalogue entries it has a word for. */
const HL7_ERROR_OF: Partial<Record<ErrorCode, string>> = {
  MALFORMED_REQUEST: '100^Segment sequence error',
  METADATA_MISSING: '101^Required field missing',
  METADATA_INVALID: '102^Data type error',
  CODE_NOT_IN_VALUE_SET: '103^Table value not found',
  UNSUPPORTED_OPERATION: '200^Unsupported message type',
};
const APPLICATION_ERROR = '207^Application internal error';
const REJECTED: ReadonlySet<ErrorCode> = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'UNSUPPORTED_OPERATION',
]);

export function acceptance(message: Hl7Message): Hl7Message {
  return message.buildAck({ ackCode: 'AA' });
}

/**
 * AE, or AR for an authentication or access refusal and an unsupported message: MSA-3 tells the
 * first problem, one ERR segment each tells its place (ERR-2), its HL7 condition (ERR-3), and the
 * XDS error code the same failure has on ITI-41 (ERR-5, coding system IHEXDS), with the text
 * (ERR-8).
 */
export function refusal(message: Hl7Message, error: DomainError): Hl7Message {
  const code: AcknowledgementCode = REJECTED.has(error.code) ? 'AR' : 'AE';
  const ack = message.buildAck({ ackCode: code });
  const context = ack.context;
  const msa = Hl7Segment.parse(
    [
      'MSA',
      code,
      ack.getSegment('MSA')?.getField(2)?.toString() ?? '',
      escapeHl7(error.message),
    ].join('|'),
    context,
  );
  const errors = error.details.map((detail) =>
    Hl7Segment.parse(
      [
        'ERR',
        '',
        errorLocation(detail.location),
        `${HL7_ERROR_OF[detail.code] ?? APPLICATION_ERROR}^HL70357`,
        'E',
        `${ERROR_CATALOGUE[detail.code].xdsCode}^${escapeHl7(ERROR_CATALOGUE[detail.code].summary)}^IHEXDS`,
        '',
        '',
        escapeHl7(detail.message),
      ].join('|'),
      context,
    ),
  );
  return new Hl7Message([ack.header, msa, ...errors], context);
}

/** "TXA-12" → ERR-2 as ERL (segment^sequence^field). */
function errorLocation(location: string | undefined): string {
  const match = /^([A-Z][A-Z0-9]{2})(?:-(\d+))?/.exec(location ?? '');
  if (!match) return '';
  return match[2] ? `${match[1]}^1^${match[2]}` : `${match[1]}^1`;
}
