import { z } from 'zod';
import {
  annotation,
  attachment,
  codeableConcept,
  coding,
  contactPoint,
  elementBase,
  fhirBoolean,
  fhirCode,
  fhirDate,
  fhirDateTime,
  fhirId,
  fhirString,
  fhirUri,
  humanName,
  identifier,
  meta,
  mediaType,
  period,
  reference,
} from './fhir-types';

/**
 * The FHIR R4 resources the door reads, as zod shapes of the elements it reads (FHIR R4 §
 * of each resource). `anyResource` checks a resource by its resourceType: one the door knows
 * by its shape, any other as a resource (an object naming its type) for the use case to refuse.
 */

const domainResource = {
  ...elementBase,
  id: fhirId.optional(),
  meta: meta.optional(),
  implicitRules: fhirUri.optional(),
  language: fhirCode.optional(),
  text: z.looseObject({ status: fhirCode, div: fhirString }).optional(),
};

/** Contained resources: each by its own shape, but never containing others (FHIR §2.1.0.5). */
const containedResource = z.looseObject({ resourceType: fhirCode }).check((context) => {
  const shape = CONTAINABLE[context.value.resourceType];
  if (shape) reportIssues(shape, context);
});

const withContained = { ...domainResource, contained: z.array(containedResource).optional() };

const qualification = z.looseObject({
  ...elementBase,
  identifier: z.array(identifier).optional(),
  code: codeableConcept,
  period: period.optional(),
});

export const practitioner = z.looseObject({
  ...withContained,
  resourceType: z.literal('Practitioner'),
  identifier: z.array(identifier).optional(),
  active: fhirBoolean.optional(),
  name: z.array(humanName).optional(),
  telecom: z.array(contactPoint).optional(),
  qualification: z.array(qualification).optional(),
});

export const practitionerRole = z.looseObject({
  ...withContained,
  resourceType: z.literal('PractitionerRole'),
  identifier: z.array(identifier).optional(),
  active: fhirBoolean.optional(),
  practitioner: reference.optional(),
  organization: reference.optional(),
  code: z.array(codeableConcept).optional(),
  specialty: z.array(codeableConcept).optional(),
  telecom: z.array(contactPoint).optional(),
});

export const organization = z.looseObject({
  ...withContained,
  resourceType: z.literal('Organization'),
  identifier: z.array(identifier).optional(),
  active: fhirBoolean.optional(),
  type: z.array(codeableConcept).optional(),
  name: fhirString.optional(),
  telecom: z.array(contactPoint).optional(),
});

const patientContact = z.looseObject({
  ...elementBase,
  relationship: z.array(codeableConcept).optional(),
  name: humanName.optional(),
  telecom: z.array(contactPoint).optional(),
  organization: reference.optional(),
  period: period.optional(),
});

export const patient = z.looseObject({
  ...withContained,
  resourceType: z.literal('Patient'),
  identifier: z.array(identifier).optional(),
  active: fhirBoolean.optional(),
  name: z.array(humanName).optional(),
  telecom: z.array(contactPoint).optional(),
  gender: z.enum(['male', 'female', 'other', 'unknown']).optional(),
  birthDate: fhirDate.optional(),
  contact: z.array(patientContact).optional(),
  generalPractitioner: z.array(reference).optional(),
  managingOrganization: reference.optional(),
});

const relatesTo = z.looseObject({
  ...elementBase,
  code: z.enum(['replaces', 'transforms', 'signs', 'appends']),
  target: reference,
});

const content = z.looseObject({
  ...elementBase,
  attachment,
  format: coding.optional(),
});

const documentContext = z.looseObject({
  ...elementBase,
  encounter: z.array(reference).optional(),
  event: z.array(codeableConcept).optional(),
  period: period.optional(),
  facilityType: codeableConcept.optional(),
  practiceSetting: codeableConcept.optional(),
  sourcePatientInfo: reference.optional(),
  related: z.array(reference).optional(),
});

export const documentReference = z.looseObject({
  ...withContained,
  resourceType: z.literal('DocumentReference'),
  masterIdentifier: identifier.optional(),
  identifier: z.array(identifier).optional(),
  status: z.enum(['current', 'superseded', 'entered-in-error']).optional(),
  docStatus: fhirCode.optional(),
  type: codeableConcept.optional(),
  category: z.array(codeableConcept).optional(),
  subject: reference.optional(),
  date: fhirDateTime.optional(),
  author: z.array(reference).optional(),
  authenticator: reference.optional(),
  custodian: reference.optional(),
  relatesTo: z.array(relatesTo).optional(),
  description: fhirString.optional(),
  securityLabel: z.array(codeableConcept).optional(),
  content: z.array(content).optional(),
  context: documentContext.optional(),
});

const listEntry = z.looseObject({
  ...elementBase,
  flag: codeableConcept.optional(),
  deleted: fhirBoolean.optional(),
  date: fhirDateTime.optional(),
  item: reference,
});

export const list = z.looseObject({
  ...withContained,
  resourceType: z.literal('List'),
  identifier: z.array(identifier).optional(),
  status: z.enum(['current', 'retired', 'entered-in-error']).optional(),
  mode: z.enum(['working', 'snapshot', 'changes']).optional(),
  title: fhirString.optional(),
  code: codeableConcept.optional(),
  subject: reference.optional(),
  encounter: reference.optional(),
  date: fhirDateTime.optional(),
  source: reference.optional(),
  orderedBy: codeableConcept.optional(),
  note: z.array(annotation).optional(),
  entry: z.array(listEntry).optional(),
  emptyReason: codeableConcept.optional(),
});

export const binary = z.looseObject({
  ...domainResource,
  resourceType: z.literal('Binary'),
  contentType: mediaType,
  securityContext: reference.optional(),
  data: z.string().optional(),
});

/** A parameter of an operation, with the value types the operations read; parts nest. */
export interface ParameterShape {
  name: string;
  part?: ParameterShape[];
  [element: string]: unknown;
}

const parameter: z.ZodType<ParameterShape> = z.looseObject({
  ...elementBase,
  name: fhirString,
  valueString: fhirString.optional(),
  valueCode: fhirCode.optional(),
  valueBoolean: fhirBoolean.optional(),
  valueDate: fhirDate.optional(),
  valueDateTime: fhirDateTime.optional(),
  valueIdentifier: identifier.optional(),
  get part() {
    return z.array(parameter).optional();
  },
});

export const parameters = z.looseObject({
  ...domainResource,
  resourceType: z.literal('Parameters'),
  parameter: z.array(parameter).optional(),
});

/** RFC 6902 JSON Patch: an array of operations (fast-json-patch then checks each path). */
export const jsonPatch = z.array(
  z.looseObject({
    op: z.enum(['add', 'remove', 'replace', 'move', 'copy', 'test']),
    path: z.string(),
    from: z.string().optional(),
  }),
);

const CONTAINABLE: Readonly<Record<string, z.ZodType>> = {
  Patient: patient,
  Practitioner: practitioner,
  PractitionerRole: practitionerRole,
  Organization: organization,
};

const KNOWN: Readonly<Record<string, z.ZodType>> = {
  ...CONTAINABLE,
  DocumentReference: documentReference,
  List: list,
  Binary: binary,
  Parameters: parameters,
};

/** Any resource: by its own shape when the door knows its type. */
export const anyResource = z.looseObject({ resourceType: fhirCode }).check((context) => {
  const shape = KNOWN[context.value.resourceType];
  if (shape) reportIssues(shape, context);
});

const bundleEntry = z.looseObject({
  ...elementBase,
  link: z.array(z.looseObject({ relation: fhirString, url: fhirUri })).optional(),
  fullUrl: fhirUri.optional(),
  resource: anyResource.optional(),
  request: z
    .looseObject({
      ...elementBase,
      method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH']),
      url: fhirUri,
      ifNoneExist: fhirString.optional(),
      ifMatch: fhirString.optional(),
      ifNoneMatch: fhirString.optional(),
      ifModifiedSince: fhirString.optional(),
    })
    .optional(),
});

export const bundle = z.looseObject({
  ...domainResource,
  resourceType: z.literal('Bundle'),
  identifier: identifier.optional(),
  type: fhirCode,
  timestamp: fhirDateTime.optional(),
  entry: z.array(bundleEntry).optional(),
});

type CheckContext = z.core.ParsePayload<{ resourceType: string }>;

/** The issues of `shape` on the value being checked, at their paths below it. */
function reportIssues(shape: z.ZodType, context: CheckContext): void {
  const result = shape.safeParse(context.value, { reportInput: true });
  if (!result.success) context.issues.push(...(result.error.issues as z.core.$ZodRawIssue[]));
}
