import { freshPatient } from '@passerelle/testing';
import { passerelle } from './support/cli';

describe('operator CLI (built) against PostgreSQL', () => {
  it('opens a record once and reports its status as JSON', () => {
    const patient = freshPatient();
    const oid = patient.system.slice('urn:oid:'.length);
    const opened = passerelle('record', 'open', patient.nir, '--oid', oid, '--json');
    expect(opened.status).toBe(0);
    expect(JSON.parse(opened.stdout)).toMatchObject({
      ins: patient.nir,
      status: 'open',
      created: true,
    });
    const again = passerelle('record', 'open', patient.nir, '--oid', oid, '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ created: false });

    const status = passerelle('record', 'status', patient.nir, '--oid', oid, '--json');
    expect(status.status).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ ins: patient.nir, oid, status: 'open' });
  });

  it('closes a record with its reason and reopens it', () => {
    const patient = freshPatient();
    const oid = patient.system.slice('urn:oid:'.length);
    passerelle('record', 'open', patient.nir, '--oid', oid);
    const closed = passerelle(
      'record',
      'close',
      patient.nir,
      '--oid',
      oid,
      '--reason',
      'Décès du patient',
      '--json',
    );
    expect(closed.status).toBe(0);
    expect(JSON.parse(closed.stdout)).toMatchObject({
      status: 'closed',
      closureReason: 'Décès du patient',
    });
    const reopened = passerelle('record', 'reopen', patient.nir, '--oid', oid, '--json');
    expect(JSON.parse(reopened.stdout)).toMatchObject({ status: 'open' });
    expect(passerelle('record', 'close', patient.nir, '--oid', oid).stderr).toMatch(
      /required option '--reason <text>'/,
    );
  });

  it('refuses a NIR with a wrong key, naming the problem, with exit code 2', () => {
    const patient = freshPatient();
    const wrongKey =
      patient.nir.slice(0, 13) + String((Number(patient.nir.slice(13)) % 96) + 1).padStart(2, '0');
    const result = passerelle('record', 'open', wrongKey);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/wrong key/);
  });

  it('reports a patient without a record', () => {
    const result = passerelle(
      'record',
      'status',
      freshPatient().nir,
      '--oid',
      '1.2.250.1.213.1.4.10',
      '--json',
    );
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ status: 'none' });
  });
});
