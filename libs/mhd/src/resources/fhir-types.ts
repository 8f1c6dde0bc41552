import { z } from 'zod';
import { isFhirDate, isFhirDateTime } from './fhir-datetime';
import { isMediaType } from '@passerelle/domain';

/**
 * The FHIR R4 primitive and general-purpose datatypes the door reads, as zod shapes. Each
 * fixes the JSON kind of every element it names (FHIR JSON, §2.6.2: an array is an array, a
 * string is a string, never `null`) and the format of the primitives; elements the door does not
 * read are let through unchecked (loose objects), as FHIR lets a server ignore them.
 */

export const fhirString = z.string();
export const fhirBoolean = z.boolean();
export const fhirCode = z
  .string()
  .regex(/^[^\s]+( [^\s]+)*$/, { message: 'A code has no leading, trailing or double space' });
export const fhirUri = z.string().regex(/^\S*$/, { message: 'A uri holds no whitespace' });
export const fhirId = z
  .string()
  .regex(/^[A-Za-z0-9.-]{1,64}$/, { message: 'An id is 1 to 64 of A-Z a-z 0-9 - .' });
export const fhirDate = z
  .string()
  .refine(isFhirDate, { message: 'Not a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD that exists)' });
export const fhirDateTime = z.string().refine(isFhirDateTime, {
  message: 'Not a FHIR dateTime (a day that exists, a clock time, a zone)',
});
export const fhirUnsignedInt = z.number().int().min(0).max(2_147_483_647);
export const fhirPositiveInt = z.number().int().min(1).max(2_147_483_647);
export const fhirBase64Binary = z
  .string()
  .regex(/^[A-Za-z0-9+/=\s]*$/, { message: 'Not base64 (A-Z a-z 0-9 + / =)' });
export const mediaType = z.string().refine(isMediaType, {
  message: 'Not a media type (RFC 6838 type/subtype, RFC 9110 parameters)',
});

export const period = z.looseObject({
  start: fhirDateTime.optional(),
  end: fhirDateTime.optional(),
});

export const coding = z.looseObject({
  system: fhirUri.optional(),
  version: fhirString.optional(),
  code: fhirCode.optional(),
  display: fhirString.optional(),
  userSelected: fhirBoolean.optional(),
});

export const codeableConcept = z.looseObject({
  coding: z.array(coding).optional(),
  text: fhirString.optional(),
});

/** Identifier and Reference name each other (assigner, identifier): declared lazily. */
export interface IdentifierShape {
  use?: 'usual' | 'official' | 'temp' | 'secondary' | 'old';
  type?: z.infer<typeof codeableConcept>;
  system?: string;
  value?: string;
  period?: z.infer<typeof period>;
  assigner?: ReferenceShape;
  [element: string]: unknown;
}

export interface ReferenceShape {
  reference?: string;
  type?: string;
  identifier?: IdentifierShape;
  display?: string;
  [element: string]: unknown;
}

export const identifier: z.ZodType<IdentifierShape> = z.looseObject({
  use: z.enum(['usual', 'official', 'temp', 'secondary', 'old']).optional(),
  type: codeableConcept.optional(),
  system: fhirUri.optional(),
  value: fhirString.optional(),
  period: period.optional(),
  get assigner() {
    return reference.optional();
  },
});

export const reference: z.ZodType<ReferenceShape> = z.looseObject({
  reference: fhirString.optional(),
  type: fhirUri.optional(),
  get identifier() {
    return identifier.optional();
  },
  display: fhirString.optional(),
});

/** An extension, with the value types the door reads; extensions nest. */
export interface ExtensionShape {
  url: string;
  extension?: ExtensionShape[];
  [element: string]: unknown;
}

export const extension: z.ZodType<ExtensionShape> = z.looseObject({
  url: fhirUri,
  get extension() {
    return z.array(extension).optional();
  },
  valueBoolean: fhirBoolean.optional(),
  valueString: fhirString.optional(),
  valueCode: fhirCode.optional(),
  valueUri: fhirUri.optional(),
  valueDateTime: fhirDateTime.optional(),
  valueIdentifier: identifier.optional(),
  valueCodeableConcept: codeableConcept.optional(),
  valueCoding: coding.optional(),
  valueReference: reference.optional(),
  valuePeriod: period.optional(),
});

export const meta = z.looseObject({
  versionId: fhirId.optional(),
  lastUpdated: fhirDateTime.optional(),
  source: fhirUri.optional(),
  profile: z.array(fhirUri).optional(),
  security: z.array(coding).optional(),
  tag: z.array(coding).optional(),
});

export const attachment = z.looseObject({
  contentType: mediaType.optional(),
  language: fhirCode.optional(),
  data: fhirBase64Binary.optional(),
  url: fhirUri.optional(),
  size: fhirUnsignedInt.optional(),
  hash: fhirBase64Binary.optional(),
  title: fhirString.optional(),
  creation: fhirDateTime.optional(),
});

export const humanName = z.looseObject({
  use: fhirCode.optional(),
  text: fhirString.optional(),
  family: fhirString.optional(),
  given: z.array(fhirString).optional(),
  prefix: z.array(fhirString).optional(),
  suffix: z.array(fhirString).optional(),
  period: period.optional(),
});

export const contactPoint = z.looseObject({
  system: z.enum(['phone', 'fax', 'email', 'pager', 'url', 'sms', 'other']).optional(),
  value: fhirString.optional(),
  use: fhirCode.optional(),
  rank: fhirPositiveInt.optional(),
  period: period.optional(),
});

export const annotation = z.looseObject({
  authorString: fhirString.optional(),
  authorReference: reference.optional(),
  time: fhirDateTime.optional(),
  text: fhirString,
});

/** What every element may carry (Element): an id and extensions. */
export const elementBase = {
  id: fhirString.optional(),
  extension: z.array(extension).optional(),
  modifierExtension: z.array(extension).optional(),
};
