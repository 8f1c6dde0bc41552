import { PatientId, PatientRecord } from '@passerelle/domain';
import { patientResourceFrom } from '@passerelle/mhd';
import { CliError } from './cli-error';
import { formatOpened, formatStatus } from './record-output';
import { RecordView, recordViewOf, recordViewOfPatient } from './record-view';

const patientId = PatientId.of('1.2.250.1.213.1.4.10', '277069912345674');

const openRecord: PatientRecord = {
  patientKey: patientId.key,
  insValue: patientId.value,
  insOid: patientId.oid,
  status: 'open',
  openedAt: new Date('2026-01-02T03:04:05.000Z'),
  openedBy: 'operator:alice',
  family: 'DUPONT',
};

const closedRecord: PatientRecord = {
  ...openRecord,
  status: 'closed',
  closedAt: new Date('2026-03-04T05:06:07.000Z'),
  closureReason: 'deceased',
};

describe('recordViewOf', () => {
  it('gives the documented JSON fields, without absent ones', () => {
    expect(recordViewOf(openRecord)).toStrictEqual({
      ins: '277069912345674',
      oid: '1.2.250.1.213.1.4.10',
      status: 'open',
      openedAt: '2026-01-02T03:04:05.000Z',
      openedBy: 'operator:alice',
    });
  });

  it('includes the closure of a closed record', () => {
    expect(recordViewOf(closedRecord)).toMatchObject({
      status: 'closed',
      closedAt: '2026-03-04T05:06:07.000Z',
      closureReason: 'deceased',
    });
  });
});

describe('recordViewOfPatient (API mode)', () => {
  it("reads the gateway's Patient resource like the database row", () => {
    expect(recordViewOfPatient(patientResourceFrom(closedRecord))).toStrictEqual(
      recordViewOf(closedRecord),
    );
  });

  it('refuses a Patient without the record status extension', () => {
    const patient = { ...patientResourceFrom(openRecord), extension: [] };
    expect(() => recordViewOfPatient(patient)).toThrow(CliError);
  });
});

describe('record output', () => {
  const view: RecordView = recordViewOf(closedRecord);

  it('prints a missing record as status none, in JSON and for humans', () => {
    expect(JSON.parse(formatStatus(undefined, patientId, true))).toEqual({ status: 'none' });
    expect(formatStatus(undefined, patientId, false)).toBe(
      'No record for INS 277069912345674 (INS-NIR test, 1.2.250.1.213.1.4.10).\n',
    );
  });

  it('prints the status as aligned rows', () => {
    expect(formatStatus(view, patientId, false)).toBe(
      [
        'INS             277069912345674 (INS-NIR test, 1.2.250.1.213.1.4.10)',
        'Status          closed',
        'Opened at       2026-01-02T03:04:05.000Z',
        'Opened by       operator:alice',
        'Closed at       2026-03-04T05:06:07.000Z',
        'Closure reason  deceased',
        '',
      ].join('\n'),
    );
  });

  it('says whether open created the record', () => {
    expect(JSON.parse(formatOpened({ view, created: true }, true))).toEqual({
      created: true,
      ...view,
    });
    expect(formatOpened({ view, created: true }, false)).toMatch(/^Record opened\.\n/);
    expect(formatOpened({ view, created: false }, false)).toMatch(/^A record already exists/);
  });
});
