import { NS, XmlElement, childrenOf } from './xml';
import type { RegistryObjectKind, XdsExpectation } from './case-definition';
import {
  checkAlternatives,
  checkEqual,
  checkOneOf,
  checkSameBytes,
  describeChoice,
} from './expectations';
import type { ContentReader } from './fhir-expectations';
import { xdsPathValue } from './response-paths';
import type { Mismatch } from './results';
import {
  SoapAnswer,
  documentBytesOf,
  faultOf,
  registryErrorsOf,
  registryObjectsOf,
  registryResponseOf,
  shortStatus,
} from './soap-answer';

/** Every way an XDS answer differs from what the case expects (none: the step passes). */
export function checkXdsAnswer(
  expectation: XdsExpectation,
  httpStatus: number,
  answer: SoapAnswer,
  readContent: ContentReader,
): Mismatch[] {
  const { anyOf, httpStatus: expectedHttpStatus, soapFault, ...registry } = expectation;
  return [
    ...checkOneOf('HTTP status', expectedHttpStatus, httpStatus),
    ...checkEnvelope(soapFault, registry, answer, readContent),
    ...checkAlternatives(anyOf, (alternative) =>
      checkXdsAnswer(alternative, httpStatus, answer, readContent),
    ),
  ];
}

type RegistryExpectation = Omit<XdsExpectation, 'anyOf' | 'httpStatus' | 'soapFault'>;

function checkEnvelope(
  soapFault: string | undefined,
  registry: RegistryExpectation,
  answer: SoapAnswer,
  readContent: ContentReader,
): Mismatch[] {
  const expectsRegistryAnswer = Object.values(registry).some((value) => value !== undefined);
  if (soapFault === undefined && !expectsRegistryAnswer) return [];
  if (!answer.body) {
    return [
      { check: 'response', expected: 'a SOAP 1.2 answer', actual: answer.problem ?? '(none)' },
    ];
  }
  const fault = faultOf(answer.body);
  if (soapFault !== undefined || fault) return checkFault(soapFault, fault);
  return checkRegistryAnswer(registry, answer, readContent);
}

function checkFault(
  expected: string | undefined,
  fault: { code: string; reason: string } | undefined,
): Mismatch[] {
  if (expected === undefined) {
    return [
      {
        check: 'response',
        expected: 'a registry response',
        actual: `SOAP Fault ${fault?.code ?? ''}: ${fault?.reason ?? ''}`,
      },
    ];
  }
  if (fault?.code === expected) return [];
  return [
    {
      check: 'SOAP Fault code',
      expected,
      actual: fault ? `${fault.code}: ${fault.reason}` : 'a response that is not a SOAP Fault',
    },
  ];
}

function checkRegistryAnswer(
  expectation: RegistryExpectation,
  answer: SoapAnswer,
  readContent: ContentReader,
): Mismatch[] {
  const body = answer.body as XmlElement;
  const registryResponse = registryResponseOf(body);
  const errors = registryResponse ? registryErrorsOf(registryResponse) : [];
  const reported = errors.map((error) => `${error.errorCode}: ${error.codeContext}`).join('; ');
  return [
    ...checkOneOf(
      'registry response status',
      expectation.status,
      registryResponse ? shortStatus(registryResponse) : `(${body.local}, no registry response)`,
    ).map((mismatch) =>
      reported ? { ...mismatch, actual: `${mismatch.actual} (${reported})` } : mismatch,
    ),
    ...checkErrorCodes(
      expectation.errorCodes,
      errors.map((error) => error.errorCode),
      errors.map((error) => error.codeContext),
    ),
    ...Object.entries(expectation.objects ?? {}).flatMap(([kind, count]) =>
      checkEqual(`number of ${kind}`, count, countOf(body, kind as RegistryObjectKind)),
    ),
    ...checkDocuments(expectation, body, answer, readContent),
    ...Object.entries(expectation.values ?? {}).flatMap(([path, expected]) =>
      checkEqual(path, expected, xdsPathValue(body, path)),
    ),
  ];
}

function checkErrorCodes(
  expected: readonly string[] | undefined,
  actual: readonly string[],
  contexts: readonly string[],
): Mismatch[] {
  if (expected === undefined || actual.some((code) => expected.includes(code))) return [];
  const shown = actual.map((code, index) => `${code}: ${contexts[index]}`);
  return [
    {
      check: 'RegistryError code',
      expected: describeChoice(expected),
      actual: shown.length > 0 ? shown.join('; ') : '(no RegistryError)',
    },
  ];
}

function countOf(body: XmlElement, kind: RegistryObjectKind): number {
  return registryObjectsOf(body).filter((object) => object.local === kind).length;
}

function checkDocuments(
  expectation: RegistryExpectation,
  body: XmlElement,
  answer: SoapAnswer,
  readContent: ContentReader,
): Mismatch[] {
  const responses = childrenOf(body, NS.xdsb, 'DocumentResponse');
  return [
    ...(expectation.documents === undefined
      ? []
      : checkEqual('number of DocumentResponse', expectation.documents, responses.length)),
    ...(expectation.sameContentAs ?? []).flatMap((reference, index) =>
      checkSameBytes(
        `DocumentResponse ${index + 1} content`,
        readContent(reference.file),
        responses[index] ? documentBytesOf(responses[index], answer.attachments) : undefined,
      ),
    ),
  ];
}
