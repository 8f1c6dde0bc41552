import { Hl7Message } from '@medplum/core';
import { mdmT11 } from '../mdm-t02-original-document/mdm-t02.spec-support';
import { readCancellation } from './cancellation-message';

const NIR = '184057512345625';

describe('MDM^T11 → ITI-57 logical deletion', () => {
  it('deletes the document TXA-12.1 names (its uniqueId, ^ escaped) in the record of PID-3', () => {
    const uniqueId = '1.2.250.1.999.4.1.2024.3^CRBIO-000123';
    const command = readCancellation(Hl7Message.parse(mdmT11({ nir: NIR, uniqueId })));
    expect(command.patientId?.value).toBe(NIR);
    expect(command.updates).toEqual([
      { kind: 'status', targetUuid: uniqueId, originalStatus: 'Approved', newStatus: 'Deleted' },
    ]);
  });

  it('refuses a cancellation that names no document', () => {
    const text = mdmT11({ nir: NIR, uniqueId: '' });
    expect(() => readCancellation(Hl7Message.parse(text))).toThrow(/TXA-12 is required/);
  });
});
