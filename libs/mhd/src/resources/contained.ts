import type {
  ContactPoint,
  HumanName,
  Identifier,
  Organization,
  Patient,
  Practitioner,
  PractitionerRole,
  Reference,
  Resource,
} from 'fhir/r4';
import type { Author, Institution, PersonName, SourcePatientInfo } from '@passerelle/domain';
import { codedFromCoding } from './code-systems';
import { patientIdFromReference } from './patient-reference';

type WithContained = { contained?: Resource[] };

/** Resolves `#id` references to resources contained in `host`. */
export function containedResource<T extends Resource>(
  host: WithContained,
  reference: Reference | undefined,
  resourceType: T['resourceType'],
): T | undefined {
  const ref = reference?.reference;
  if (!ref?.startsWith('#')) return undefined;
  const found = host.contained?.find((r) => r.id === ref.slice(1));
  return found?.resourceType === resourceType ? (found as unknown as T) : undefined;
}

function anyContained(host: WithContained, reference: Reference): Resource | undefined {
  const ref = reference.reference;
  return ref?.startsWith('#') ? host.contained?.find((r) => r.id === ref.slice(1)) : undefined;
}

function oidOf(identifier: Identifier | undefined): string | undefined {
  const system = identifier?.system;
  return system?.startsWith('urn:oid:') ? system.slice('urn:oid:'.length) : system;
}

export function personFrom(
  identifier: Identifier | undefined,
  name: HumanName | undefined,
): PersonName {
  return {
    ...(identifier?.value ? { id: identifier.value } : {}),
    ...(oidOf(identifier) ? { assigningAuthority: oidOf(identifier) } : {}),
    ...(name?.family ? { family: name.family } : {}),
    ...(name?.given?.length ? { given: name.given.join(' ') } : {}),
    ...(name?.prefix?.length ? { prefix: name.prefix.join(' ') } : {}),
  };
}

export function institutionFrom(organization: Organization): Institution {
  const identifier = organization.identifier?.[0];
  return {
    name: organization.name ?? identifier?.value ?? '',
    ...(identifier?.value ? { id: identifier.value } : {}),
    ...(oidOf(identifier) ? { assigningAuthority: oidOf(identifier) } : {}),
  };
}

const EMPTY_AUTHOR: Author = { institutions: [], roles: [], specialties: [], telecom: [] };

/** MHD author references (contained Practitioner, PractitionerRole, Organization) → XDS authors. */
export function authorsFrom(host: WithContained, references: readonly Reference[]): Author[] {
  return references.flatMap((reference) => {
    const resource = anyContained(host, reference);
    if (!resource && reference.reference?.match(/(^|\/)Patient[/?]/)) {
      return [patientAuthor(reference)];
    }
    if (!resource)
      return reference.display ? [{ ...EMPTY_AUTHOR, person: { family: reference.display } }] : [];
    switch (resource.resourceType) {
      case 'Patient': {
        const patient = resource as Patient;
        const ins = patient.identifier?.find((i) =>
          i.system?.startsWith('urn:oid:1.2.250.1.213.1.4.'),
        );
        return [{ ...EMPTY_AUTHOR, person: personFrom(ins, patient.name?.[0]) }];
      }
      case 'Practitioner': {
        const practitioner = resource as Practitioner;
        return [
          {
            ...EMPTY_AUTHOR,
            person: personFrom(practitioner.identifier?.[0], practitioner.name?.[0]),
            telecom: telecomOf(practitioner),
          },
        ];
      }
      case 'Organization':
        return [{ ...EMPTY_AUTHOR, institutions: [institutionFrom(resource as Organization)] }];
      case 'PractitionerRole':
        return [authorFromRole(host, resource as PractitionerRole)];
      default:
        return [];
    }
  });
}

/** The patient as the author of his own document: a reference to him, by INS. */
function patientAuthor(reference: Reference): Author {
  const patientId = patientIdFromReference(reference, 'author');
  return {
    ...EMPTY_AUTHOR,
    person: {
      id: patientId.value,
      assigningAuthority: patientId.oid,
      ...(reference.display ? { family: reference.display } : {}),
    },
  };
}

function authorFromRole(host: WithContained, role: PractitionerRole): Author {
  const practitioner = containedResource<Practitioner>(host, role.practitioner, 'Practitioner');
  const organization = containedResource<Organization>(host, role.organization, 'Organization');
  return {
    person: practitioner
      ? personFrom(practitioner.identifier?.[0], practitioner.name?.[0])
      : role.identifier?.[0] && personFrom(role.identifier[0], undefined),
    institutions: organization ? [institutionFrom(organization)] : [],
    roles: (role.code ?? [])
      .flatMap((c) => c.coding ?? [])
      .flatMap((c) => codedFromCoding(c) ?? []),
    specialties: (role.specialty ?? [])
      .flatMap((c) => c.coding ?? [])
      .flatMap((c) => codedFromCoding(c) ?? []),
    telecom: practitioner ? telecomOf(practitioner) : [],
  };
}

function telecomOf(practitioner: Practitioner): string[] {
  return (practitioner.telecom ?? []).flatMap((t) => (t.value ? [telecomOfContactPoint(t)] : []));
}

const SCHEME_OF_SYSTEM: Readonly<Record<string, string>> = { phone: 'tel:', email: 'mailto:' };
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * A ContactPoint as the other doors store a telecom (the CDA's URL, RFC 3966 tel: or mailto:),
 * so that the same author reads the same whichever door brought it.
 */
export function telecomOfContactPoint(contactPoint: ContactPoint): string {
  const value = contactPoint.value ?? '';
  const scheme = SCHEME_OF_SYSTEM[contactPoint.system ?? ''];
  return scheme && !URL_SCHEME.test(value) ? `${scheme}${value}` : value;
}

/** A stored telecom as a ContactPoint: tel: a phone, mailto: an email, otherwise as written. */
export function contactPointOfTelecom(telecom: string): ContactPoint {
  for (const [system, scheme] of Object.entries(SCHEME_OF_SYSTEM)) {
    if (telecom.toLowerCase().startsWith(scheme)) {
      return { system: system as ContactPoint['system'], value: telecom.slice(scheme.length) };
    }
  }
  return { value: telecom };
}

export function sourcePatientFrom(patient: Patient | undefined): {
  id?: string;
  info?: SourcePatientInfo;
} {
  if (!patient) return {};
  const identifier = patient.identifier?.[0];
  const name = patient.name?.[0];
  return {
    id: identifier?.value ? `${identifier.value}^^^&${oidOf(identifier) ?? ''}&ISO` : undefined,
    info: {
      ...(name?.family ? { family: name.family } : {}),
      ...(name?.given?.length ? { given: name.given.join(' ') } : {}),
      ...(patient.birthDate ? { birthDate: patient.birthDate } : {}),
      ...(patient.gender ? { gender: patient.gender } : {}),
    },
  };
}
