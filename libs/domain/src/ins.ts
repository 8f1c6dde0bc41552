import { DomainError } from './errors';
import { excerpt } from './excerpt';

/** OIDs of the French national health identifier (INS) assigning authorities. */
export const INS_OID = {
  NIR: '1.2.250.1.213.1.4.8',
  NIA: '1.2.250.1.213.1.4.9',
  NIR_TEST: '1.2.250.1.213.1.4.10',
  NIR_DEMO: '1.2.250.1.213.1.4.11',
  INS_C_RETIRED: '1.2.250.1.213.1.4.2',
} as const;

const ACCEPTED_OIDS: ReadonlySet<string> = new Set([
  INS_OID.NIR,
  INS_OID.NIA,
  INS_OID.NIR_TEST,
  INS_OID.NIR_DEMO,
]);

const NIR_PATTERN = /^[12378][0-9]{4}(2A|2B|[0-9]{2})[0-9]{6}[0-9]{2}$/;
/** A CX of an INS: 15 characters, an OID, the separators; far longer is not one. */
const MAX_CX_LENGTH = 256;

/**
 * A patient identified by INS: the matricule (NIR or NIA, 15 characters with its key) and the OID
 * of its assigning authority. Immutable; construct through {@link PatientId.of} which validates.
 */
export class PatientId {
  private constructor(
    readonly value: string,
    readonly oid: string,
  ) {}

  static of(oid: string, value: string): PatientId {
    if (oid === INS_OID.INS_C_RETIRED) {
      throw new DomainError(
        'INS_RETIRED',
        'INS-C (1.2.250.1.213.1.4.2) is retired; identify the patient by INS-NIR or INS-NIA',
      );
    }
    if (!ACCEPTED_OIDS.has(oid)) {
      throw new DomainError(
        'INS_UNKNOWN_AUTHORITY',
        `Unknown INS assigning authority ${excerpt(oid)}`,
      );
    }
    assertValidNir(value);
    return new PatientId(value.toUpperCase(), oid);
  }

  /** Parses `urn:oid:<oid>` (FHIR identifier system) with its value. */
  static fromFhirIdentifier(system: string | undefined, value: string | undefined): PatientId {
    if (!system || !value) {
      throw new DomainError('INS_MALFORMED', 'Patient identifier needs both system and value');
    }
    if (!system.startsWith('urn:oid:')) {
      throw new DomainError(
        'INS_UNKNOWN_AUTHORITY',
        `Patient identifier system must be urn:oid:<INS OID>, got ${excerpt(system)}`,
      );
    }
    return PatientId.of(system.slice('urn:oid:'.length), value);
  }

  /** Parses the XDS CX form (at most MAX_CX_LENGTH characters, so a huge value costs nothing) `NIR^^^&OID&ISO` (an optional `^NH` type code is allowed). */
  static fromCx(cx: string): PatientId {
    const match =
      cx.length <= MAX_CX_LENGTH ? /^([^^]+)\^\^\^&([0-9.]+)&ISO(\^NH)?$/.exec(cx.trim()) : null;
    if (!match) {
      throw new DomainError(
        'INS_MALFORMED',
        `Patient id is not of the form NIR^^^&OID&ISO: ${excerpt(cx)}`,
      );
    }
    return PatientId.of(match[2], match[1]);
  }

  /** The canonical key used in storage: the CX form without type code. */
  get key(): string {
    return `${this.value}^^^&${this.oid}&ISO`;
  }

  /** The FHIR Patient id of the record: `<INS OID>-<matricule>`, derived from the INS alone. */
  get resourceId(): string {
    return `${this.oid}-${this.value}`;
  }

  get fhirSystem(): string {
    return `urn:oid:${this.oid}`;
  }

  equals(other: PatientId): boolean {
    return this.key === other.key;
  }
}

/** Checks the NIR/NIA form and its key: key = 97 − (number mod 97), Corsica 2A→19, 2B→18. */
export function assertValidNir(nir: string): void {
  const upper = nir.toUpperCase();
  if (!NIR_PATTERN.test(upper)) {
    throw new DomainError(
      'INS_MALFORMED',
      `INS matricule must be 13 characters and a 2-digit key, got "${excerpt(nir)}"`,
    );
  }
  const body = upper.slice(0, 13).replace('2A', '19').replace('2B', '18');
  const expectedKey = 97 - Number(BigInt(body) % 97n);
  if (Number(upper.slice(13)) !== expectedKey) {
    throw new DomainError('INS_BAD_KEY', `INS matricule ${excerpt(nir)} has a wrong key`);
  }
}

/** Builds a valid NIR from its 13 first characters (used by fixtures, the CLI and benchmarks). */
export function nirWithKey(body13: string): string {
  const numeric = body13.toUpperCase().replace('2A', '19').replace('2B', '18');
  const key = 97 - Number(BigInt(numeric) % 97n);
  return `${body13.toUpperCase()}${String(key).padStart(2, '0')}`;
}
