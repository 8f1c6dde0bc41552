import type { Hl7Field, Hl7Message, Hl7Segment } from '@medplum/core';
import type { ErrorDetail } from '@passerelle/domain';

/** HL7v2 escape sequences of the default delimiters (|^~\&), both ways. */
const UNESCAPES: Readonly<Record<string, string>> = {
  F: '|',
  S: '^',
  T: '&',
  R: '~',
  E: '\\',
};
const ESCAPES: Readonly<Record<string, string>> = {
  '|': '\\F\\',
  '^': '\\S\\',
  '&': '\\T\\',
  '~': '\\R\\',
  '\\': '\\E\\',
};

export function unescapeHl7(text: string): string {
  return text.replace(/\\([FSTRE])\\/g, (_match, code: string) => UNESCAPES[code]);
}

export function escapeHl7(text: string): string {
  return text.replace(/[|^&~\\]/g, (character) => ESCAPES[character]).replace(/[\r\n]+/g, ' ');
}

/**
 * One component (1-based, as in "PID-3.4") of one repetition, split into its subcomponents and
 * unescaped; read from the parsed components, not through the library's mixed-base getters.
 */
export function subcomponents(field: Hl7Field | undefined, component: number, repetition = 0) {
  const raw = field?.components[repetition]?.[component - 1] ?? '';
  return raw.split('&').map((part) => unescapeHl7(part).trim());
}

/** The text of one component (its first subcomponent), or undefined when empty. */
export function componentText(
  field: Hl7Field | undefined,
  component = 1,
  repetition = 0,
): string | undefined {
  const text = subcomponents(field, component, repetition)[0];
  return text ? text : undefined;
}

/** A field of a segment (1-based, as in "TXA-12"), undefined past its last field. */
export function fieldOf(segment: Hl7Segment | undefined, index: number): Hl7Field | undefined {
  return segment?.getField(index);
}

export function repetitionsOf(field: Hl7Field | undefined): number {
  return field?.components.length ?? 0;
}

/** MSH-9.1^MSH-9.2, e.g. "MDM^T02". */
export function messageTypeOf(message: Hl7Message): string {
  const type = fieldOf(message.header, 9);
  return `${componentText(type, 1) ?? ''}^${componentText(type, 2) ?? ''}`;
}

/** MSH-10, the message control id the acknowledgement answers. */
export function controlIdOf(message: Hl7Message): string | undefined {
  return componentText(fieldOf(message.header, 10));
}

/** ORU (the laboratory's path: OBR, no TXA) rather than MDM. */
export function isObservationResult(message: Hl7Message): boolean {
  return componentText(fieldOf(message.header, 9)) === 'ORU';
}

export function missing(location: string, what: string): ErrorDetail {
  return { code: 'METADATA_MISSING', message: `${location} is required: ${what}`, location };
}
