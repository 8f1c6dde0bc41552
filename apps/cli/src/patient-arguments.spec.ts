import { InvalidArgumentError } from 'commander';
import { INS_OID } from '@passerelle/domain';
import { CliError, EXIT } from './cli-error';
import { authorityLabel, parseBirthDate, parsePatientId } from './patient-arguments';

function failureOf(parse: () => unknown): CliError {
  try {
    parse();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected a CliError');
}

describe('parsePatientId', () => {
  it('defaults to the INS-NIR authority', () => {
    const patientId = parsePatientId('277069912345674');
    expect(patientId.oid).toBe(INS_OID.NIR);
    expect(patientId.value).toBe('277069912345674');
  });

  it('accepts spaces in the matricule and a urn:oid: prefix on the OID', () => {
    const patientId = parsePatientId('2 77 06 99 123 456 74', `urn:oid:${INS_OID.NIR_TEST}`);
    expect(patientId.key).toBe('277069912345674^^^&1.2.250.1.213.1.4.10&ISO');
  });

  it.each([INS_OID.NIA, INS_OID.NIR_TEST, INS_OID.NIR_DEMO])('accepts the authority %s', (oid) => {
    expect(parsePatientId('277069912345674', oid).oid).toBe(oid);
  });

  it('rejects a wrong key as invalid input (exit 2)', () => {
    const failure = failureOf(() => parsePatientId('277069912345675'));
    expect(failure.exitCode).toBe(EXIT.INVALID);
    expect(failure.message).toBe('Invalid INS: INS matricule 277069912345675 has a wrong key');
  });

  it('rejects the retired INS-C authority', () => {
    const failure = failureOf(() => parsePatientId('277069912345674', INS_OID.INS_C_RETIRED));
    expect(failure.exitCode).toBe(EXIT.INVALID);
    expect(failure.message).toMatch(
      /^Invalid INS: INS-C \(1\.2\.250\.1\.213\.1\.4\.2\) is retired/,
    );
  });

  it('lists the accepted authorities when the OID is unknown', () => {
    const failure = failureOf(() => parsePatientId('277069912345674', '1.2.3'));
    expect(failure.message).toContain('1.2.250.1.213.1.4.11 (INS-NIR demo)');
  });

  it('points to `ins key` when the key is missing', () => {
    const failure = failureOf(() => parsePatientId('2770699123456'));
    expect(failure.message).toContain('passerelle ins key 2770699123456');
  });

  it('keeps every message on one line', () => {
    expect(failureOf(() => parsePatientId('x', '9.9')).message).not.toContain('\n');
  });
});

describe('authorityLabel', () => {
  it('names the INS authorities and falls back to the OID', () => {
    expect(authorityLabel(INS_OID.NIR_TEST)).toBe('INS-NIR test');
    expect(authorityLabel('1.2.3')).toBe('1.2.3');
  });
});

describe('parseBirthDate', () => {
  it.each(['1977-06-15', '2024-02-29', '1977-06', '1977'])('accepts %s', (date) => {
    expect(parseBirthDate(date)).toBe(date);
  });

  it.each(['1977-02-30', '2023-02-29', '1977-13', '15/06/1977', '77-06-15', ''])(
    'rejects %p',
    (date) => {
      expect(() => parseBirthDate(date)).toThrow(InvalidArgumentError);
    },
  );
});
