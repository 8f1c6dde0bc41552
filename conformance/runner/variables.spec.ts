import {
  StepVariables,
  UnknownVariableError,
  escapingFor,
  expandJson,
  expandText,
} from './variables';

describe('step variables', () => {
  const scope = new Map([['patient.cx', '185037512345625^^^&1.2.250.1.213.1.4.10&ISO']]);

  it('escapes a value for where it lands', () => {
    const variables = new StepVariables(scope);
    expect(expandText('<v>{{patient.cx}}</v>', variables, 'xml')).toBe(
      '<v>185037512345625^^^&amp;1.2.250.1.213.1.4.10&amp;ISO</v>',
    );
    expect(
      expandText('"{{ patient.cx }}"', new StepVariables(new Map([['patient.cx', 'a"b']])), 'json'),
    ).toBe('"a\\"b"');
    expect(expandText('x?id={{patient.cx}}', variables, 'url')).toBe(
      'x?id=185037512345625%5E%5E%5E%261.2.250.1.213.1.4.10%26ISO',
    );
  });

  it('draws one value per label within a step, and exports them under the step id', () => {
    const variables = new StepVariables(scope);
    const oid = variables.value('oid:document');
    expect(variables.value('oid:document')).toBe(oid);
    expect(variables.value('oid:other')).not.toBe(oid);
    expect(variables.value('uuid:document')).toMatch(/^urn:uuid:/);
    expect(new StepVariables(scope).value('oid:document')).not.toBe(oid);
    expect(variables.exported('provide')).toEqual(
      expect.arrayContaining([
        ['provide.oid:document', oid],
        ['provide.uuid:document', variables.value('uuid:document')],
      ]),
    );
  });

  it('refuses a variable nobody defined', () => {
    expect(() => expandText('{{nowhere}}', new StepVariables(scope), 'none')).toThrow(
      UnknownVariableError,
    );
  });

  it('expands the strings of JSON values, keys included, and leaves other values alone', () => {
    const variables = new StepVariables(new Map([['id', '42']]));
    expect(expandJson({ '{{id}}': ['Patient/{{id}}', 3, true, null] }, variables)).toEqual({
      '42': ['Patient/42', 3, true, null],
    });
  });

  it('chooses the escaping from the file name', () => {
    expect(escapingFor('bundle.json')).toBe('json');
    expect(escapingFor('single_doc.xml')).toBe('xml');
    expect(escapingFor('http-mtom-pnr.txt')).toBe('xml');
    expect(escapingFor('document.pdf')).toBe('none');
  });
});
