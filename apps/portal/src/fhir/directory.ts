import type { Bundle, Organization, Practitioner, PractitionerRole } from 'fhir/r4';
import { fhirJson } from './client';
import type { SubjectKind } from './consents';
import { ID_NAT_PS, ID_NAT_STRUCT } from './consents';
import { nameOf } from './documents';

/** A professional or a structure of the directory, as the patient chooses among them. */
export interface DirectoryEntry {
  readonly kind: SubjectKind;
  /** idNat_PS or idNat_Struct: what the access operations name. */
  readonly id: string;
  readonly name: string;
  readonly profession?: string;
  /** TRE_G15 (`10` médecin): only a médecin may be a médecin traitant. */
  readonly professionCode?: string;
  readonly structures: readonly string[];
}

/**
 * The identifier a patient types, as the directory knows it: an RPPS number (11 digits) is
 * `8`+RPPS, an ADELI number (9 digits) `0`+ADELI, a FINESS (9 characters) `1`+FINESS;
 * anything else is searched as a name.
 */
export function directoryQuery(kind: SubjectKind, typed: string): URLSearchParams {
  const compact = typed.replace(/\s+/g, '');
  if (/^\d{11}$/.test(compact) && kind === 'PS')
    return new URLSearchParams({ identifier: `8${compact}` });
  if (/^\d{9}$/.test(compact) && kind === 'PS')
    return new URLSearchParams({ identifier: `0${compact}` });
  if (/^[0-9AB]\d{8}$/.test(compact) && kind === 'STRUCTURE') {
    return new URLSearchParams({ identifier: `1${compact}` });
  }
  if (/^\d{10,15}$/.test(compact)) return new URLSearchParams({ identifier: compact });
  return new URLSearchParams({ name: typed.trim() });
}

/** `GET /fhir/Practitioner?…` (with its PractitionerRoles) or `GET /fhir/Organization?…`. */
export async function searchDirectory(kind: SubjectKind, typed: string): Promise<DirectoryEntry[]> {
  const query = directoryQuery(kind, typed);
  // A professional with the structures he practises in (PractitionerRole, search.mode include).
  if (kind === 'PS') query.set('_include', 'Practitioner:role');
  const type = kind === 'PS' ? 'Practitioner' : 'Organization';
  const bundle = await fhirJson<Bundle>(`/${type}?${query.toString()}`);
  const resources = (bundle.entry ?? []).flatMap((entry) =>
    entry.resource ? [entry.resource] : [],
  );
  if (kind === 'STRUCTURE') {
    return resources
      .filter((resource): resource is Organization => resource.resourceType === 'Organization')
      .map((organization) => ({
        kind,
        id: identifierOf(organization.identifier, ID_NAT_STRUCT) ?? organization.id ?? '',
        name: organization.name ?? 'Structure sans nom',
        structures: [],
      }));
  }
  const roles = resources.filter(
    (resource): resource is PractitionerRole => resource.resourceType === 'PractitionerRole',
  );
  return resources
    .filter((resource): resource is Practitioner => resource.resourceType === 'Practitioner')
    .map((practitioner) => {
      const own = roles.filter(
        (role) => role.practitioner?.reference === `Practitioner/${practitioner.id ?? ''}`,
      );
      const profession =
        own.flatMap((role) => role.code ?? []).flatMap((code) => code.coding ?? [])[0] ??
        practitioner.qualification?.[0]?.code.coding?.[0];
      return {
        kind,
        id: identifierOf(practitioner.identifier, ID_NAT_PS) ?? practitioner.id ?? '',
        name: nameOf(practitioner.name),
        profession: profession?.display,
        professionCode: profession?.code,
        structures: own.flatMap((role) =>
          role.organization?.display
            ? [role.organization.display]
            : role.organization?.identifier?.value
              ? [`Structure ${role.organization.identifier.value}`]
              : [],
        ),
      };
    });
}

function identifierOf(
  identifiers: readonly { system?: string; value?: string }[] | undefined,
  system: string,
): string | undefined {
  return (identifiers?.find((identifier) => identifier.system === system) ?? identifiers?.[0])
    ?.value;
}

const known = new Map<string, Promise<DirectoryEntry | undefined>>();

/** The directory's entry for an idNat (once per page load), if the directory answers. */
export function lookUp(kind: SubjectKind, id: string): Promise<DirectoryEntry | undefined> {
  const key = `${kind}|${id}`;
  let entry = known.get(key);
  if (!entry) {
    entry = searchDirectory(kind, id)
      .then((entries) => entries.find((candidate) => candidate.id === id) ?? entries[0])
      .catch(() => undefined);
    known.set(key, entry);
  }
  return entry;
}
