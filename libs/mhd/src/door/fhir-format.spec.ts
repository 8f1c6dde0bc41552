import { DomainError } from '@passerelle/domain';
import { answerFormatOf, answerFormatOrJson } from './fhir-format';

const request = (query: Record<string, unknown> = {}, accept?: string) => ({
  query,
  headers: accept === undefined ? {} : { accept },
});

describe('answerFormatOf', () => {
  it.each([
    ['json', 'json'],
    ['xml', 'xml'],
    ['application/fhir+xml', 'xml'],
    ['application/fhir xml', 'xml'],
    ['application/fhir+json; fhirVersion=4.0', 'json'],
    ['text/xml', 'xml'],
    ['application/json', 'json'],
  ])('reads _format=%s as %s', (format, expected) => {
    expect(answerFormatOf(request({ _format: format }))).toBe(expected);
  });

  it('lets _format win over Accept', () => {
    expect(answerFormatOf(request({ _format: 'json' }, 'application/fhir+xml'))).toBe('json');
  });

  it.each([
    [undefined, 'json'],
    ['*/*', 'json'],
    ['application/fhir+xml', 'xml'],
    ['application/fhir+json;q=0.5, application/fhir+xml', 'xml'],
    ['application/fhir+xml;q=0.2, application/fhir+json;q=0.9', 'json'],
    ['text/html, application/xml;q=0.9', 'xml'],
    ['text/html', 'json'],
    ['application/fhir+xml;q=0', 'json'],
  ])('reads Accept %s as %s', (accept, expected) => {
    expect(answerFormatOf(request({}, accept))).toBe(expected);
  });

  it('refuses another _format with 406 not-supported; failures are then written in JSON', () => {
    let refusal: unknown;
    try {
      answerFormatOf(request({ _format: 'html' }));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).catalogue).toMatchObject({ httpStatus: 406 });
    expect(answerFormatOrJson(request({ _format: 'html' }))).toBe('json');
  });

  it('takes the first of repeated _format parameters', () => {
    expect(answerFormatOf(request({ _format: ['xml', 'json'] }))).toBe('xml');
  });
});
