/**
 * SMART App Launch 2 patient scopes: `patient/<resource or *>.<c r u d s>` (the v1 `.read` /
 * `.write` / `.*` forms are accepted as their v2 equivalents). A token's scopes cap what the
 * app may do; the DMP rules then decide what the patient may.
 */
const RESOURCES = [
  '*',
  'DocumentReference',
  'Binary',
  'List',
  'Patient',
  'Consent',
  'AuditEvent',
  'Practitioner',
  'Organization',
];
const PERMISSIONS = ['r', 's', 'rs', 'c', 'u', 'd', 'cud', 'cruds'];

export const LAUNCH_SCOPES = ['openid', 'fhirUser', 'launch/patient', 'offline_access'];

export const RESOURCE_SCOPES = RESOURCES.flatMap((resource) =>
  PERMISSIONS.map((permission) => `patient/${resource}.${permission}`),
);

const V1 = { read: 'rs', write: 'cud', '*': 'cruds' } as const;

/** The permission letters a request needs: read or search, create, update, delete. */
function neededPermission(method: string, path: string): string {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return /^[A-Za-z]+\/[^/$]+$/.test(path) || path.includes('/$') ? 'r' : 's';
    case 'POST':
      return path.includes('$') ? 'u' : 'c';
    case 'DELETE':
      return 'd';
    default:
      return 'u';
  }
}

/** Whether the token's scopes permit this request under /fhir (path without the `/fhir/`). */
export function scopesPermit(scopes: readonly string[], method: string, path: string): boolean {
  const resource = path.split('/')[0] || '*';
  const needed = neededPermission(method, path);
  return scopes.some((scope) => {
    const match = /^patient\/([A-Za-z*]+)\.([a-z*]+)$/.exec(scope);
    if (!match) return false;
    const [, scopeResource, raw] = match;
    const permissions = V1[raw as keyof typeof V1] ?? raw;
    return (scopeResource === '*' || scopeResource === resource) && permissions.includes(needed);
  });
}
