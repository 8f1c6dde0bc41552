import { nirWithKey } from '@passerelle/domain';

let sequence = 0;

/** A fresh valid test NIR (INS-NIR test OID .10) and its FHIR token. */
export function freshPatient(): { nir: string; token: string; system: string } {
  sequence += 1;
  const serial = String((Date.now() + sequence) % 1_000_000).padStart(6, '0');
  const nir = nirWithKey(`1850375${serial}`);
  const system = 'urn:oid:1.2.250.1.213.1.4.10';
  return { nir, token: `${system}|${nir}`, system };
}
