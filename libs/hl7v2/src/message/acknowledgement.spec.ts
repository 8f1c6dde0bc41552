import { Hl7Message } from '@medplum/core';
import { DomainError } from '@passerelle/domain';
import { refusal } from './acknowledgement';

const MESSAGE = Hl7Message.parse(
  ['MSH|^~\\&|LAB|CH|PASSERELLE|DMP|20260101120000||MDM^T02^MDM_T02|MSG-1|P|2.6', 'EVN|T02'].join(
    '\r',
  ),
);

describe('HL7v2 refusal of a code outside its national value set', () => {
  it('is AE with 103 Table value not found, the XDS code and the message naming code and set', () => {
    const message =
      'DocumentEntry.typeCode "34108-1" (code system 2.16.840.1.113883.6.1) is not in the value set JDV_J07-XdsTypeCode-CISIS version 20240927120000';
    const ack = refusal(MESSAGE, new DomainError('CODE_NOT_IN_VALUE_SET', message, 'TXA-2'));
    expect(ack.getSegment('MSA')?.getField(1)?.toString()).toBe('AE');
    const err = ack.getSegment('ERR')!;
    expect(err.getField(3)?.toString()).toBe('103^Table value not found^HL70357');
    expect(err.getField(5)?.toString()).toBe(
      'XDSRegistryMetadataError^Code outside its national value set^IHEXDS',
    );
    expect(err.getField(8)?.toString()).toBe(message);
  });
});
