import { parseXml } from '../xml/xml-parser';
import { NS, attributeOf, childOf, childrenOf } from '../xml/xml-element';
import { extraMetadataWarnings, registryResponse } from './registry-response';
import { RESPONSE_STATUS } from './vocabulary';

describe('registryResponse', () => {
  it('answers extra metadata with Success and one XDSExtraMetadataNotSaved warning per Slot', () => {
    const response = parseXml(
      registryResponse(
        'Success',
        extraMetadataWarnings([
          { location: 'Document01', name: 'urn:nist:extraslot' },
          { location: 'SubmissionSet01', name: 'urn:fr:lot' },
        ]),
      ),
    );
    expect(attributeOf(response, 'status')).toBe(RESPONSE_STATUS.Success);
    const errors = childrenOf(
      childOf(response, NS.rs, 'RegistryErrorList')!,
      NS.rs,
      'RegistryError',
    );
    expect(errors.map((e) => e.attributes)).toEqual([
      {
        errorCode: 'XDSExtraMetadataNotSaved',
        codeContext: 'Slot urn:nist:extraslot of Document01 is extra metadata; it is not saved',
        location: 'Document01',
        severity: 'urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Warning',
      },
      expect.objectContaining({
        errorCode: 'XDSExtraMetadataNotSaved',
        location: 'SubmissionSet01',
        severity: 'urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Warning',
      }),
    ]);
  });

  it('has no RegistryErrorList without extra metadata', () => {
    const response = parseXml(registryResponse('Success', extraMetadataWarnings()));
    expect(childOf(response, NS.rs, 'RegistryErrorList')).toBeUndefined();
  });
});
