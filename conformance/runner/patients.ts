import { randomInt } from 'node:crypto';
import { nirWithKey } from './nir';
import type { PatientSpec } from './case-definition';

/** The INS-NIR test domain (DESIGN §3): never a real person. */
const INS_NIR_TEST_OID = '1.2.250.1.213.1.4.10';

export interface TestPatient {
  readonly nir: string;
  readonly oid: string;
}

/**
 * A random, well-formed test NIR: sex, year, month, département, commune and order number
 * drawn at random, then its key. Random rather than sequential so that runs against a shared
 * server do not meet each other's records.
 */
function randomTestNir(): string {
  const digits = (length: number, below: number) => String(randomInt(below)).padStart(length, '0');
  const body =
    String(1 + randomInt(2)) +
    digits(2, 100) +
    String(1 + randomInt(12)).padStart(2, '0') +
    String(1 + randomInt(95)).padStart(2, '0') +
    String(1 + randomInt(989)).padStart(3, '0') +
    String(1 + randomInt(999)).padStart(3, '0');
  return nirWithKey(body);
}

export function patientFor(spec: PatientSpec): TestPatient {
  return { nir: spec.nir ?? randomTestNir(), oid: spec.oid ?? INS_NIR_TEST_OID };
}

/** The variables a patient symbol offers to messages: `<symbol>.nir`, `.cx`, `.token`… */
export function patientVariables(symbol: string, patient: TestPatient): [string, string][] {
  const system = `urn:oid:${patient.oid}`;
  return [
    [`${symbol}.nir`, patient.nir],
    [`${symbol}.oid`, patient.oid],
    [`${symbol}.system`, system],
    [`${symbol}.token`, `${system}|${patient.nir}`],
    [`${symbol}.cx`, `${patient.nir}^^^&${patient.oid}&ISO`],
  ];
}
