import { codeSystemToSystem, systemToCodeSystem } from './code-systems';

describe('FHIR code-system URIs and XDS OIDs', () => {
  const IHE_FORMAT = '1.3.6.1.4.1.19376.1.2.3';

  it('reads the ANS URI of TRE_A11-IheFormatCode as the IHE format code system', () => {
    expect(
      systemToCodeSystem(
        'https://mos.esante.gouv.fr/NOS/TRE_A11-IheFormatCode/FHIR/TRE-A11-IheFormatCode',
      ),
    ).toBe(IHE_FORMAT);
    expect(
      systemToCodeSystem('http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode'),
    ).toBe(IHE_FORMAT);
  });

  it('writes that code system under the IHE URI, not the alias', () => {
    expect(codeSystemToSystem(IHE_FORMAT)).toBe(
      'http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode',
    );
  });
});
