import type { Bundle, FhirResource, OperationOutcome, Parameters } from 'fhir/r4';
import { FHIR_BASE } from '../auth/oauth';
import { session } from '../auth/session';

/** A refusal or a failure of the gateway, told in plain French. */
export class FhirError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The session ended while asking (the login page is shown): nothing to tell on this page. */
export class SessionEnded extends Error {}

/** The access rules' reasons the patient may meet, in his words. */
const REASONS: Record<string, string> = {
  RECORD_CLOSED: 'votre dossier est fermé : rouvrez-le dans Paramètres pour le modifier',
  PATIENT_ONLY: 'seul le titulaire du dossier peut le faire',
  NOTIFICATION_REQUIRED: 'les accès en urgence vous sont toujours signalés',
  PATIENT_AUTHOR_ONLY: 'vous ne pouvez ajouter que vos propres documents',
};

/**
 * `/fhir` with the patient's token: refreshed before it expires, and once more on a 401 (a
 * token refused twice ends the session with the "expired" notice).
 */
export async function fhirFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const url = path.startsWith('https://') ? path : `${FHIR_BASE}${path}`;
  const send = (token: string) =>
    fetch(url, {
      ...init,
      headers: {
        accept: 'application/fhir+json',
        ...init.headers,
        authorization: `Bearer ${token}`,
      },
    });
  let token = await session.accessToken();
  if (!token) throw new SessionEnded();
  let response = await send(token);
  if (response.status === 401) {
    token = (await session.refresh())?.accessToken;
    if (!token) throw new SessionEnded();
    response = await send(token);
    if (response.status === 401) {
      session.end('expired');
      throw new SessionEnded();
    }
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

export async function fhirJson<T>(path: string, init?: RequestInit): Promise<T> {
  return (await (await fhirFetch(path, init)).json()) as T;
}

/** Every resource of a search, following its `next` links (at most `pages` pages). */
export async function searchAll<T extends FhirResource>(path: string, pages = 20): Promise<T[]> {
  const resources: T[] = [];
  let next: string | undefined = path;
  for (let page = 0; next && page < pages; page++) {
    const bundle: Bundle = await fhirJson<Bundle>(next);
    resources.push(
      ...(bundle.entry ?? []).flatMap((entry) => (entry.resource ? [entry.resource as T] : [])),
    );
    next = bundle.link?.find((link) => link.relation === 'next')?.url;
  }
  return resources;
}

/** `POST /fhir/Patient/{id}/$name` with a Parameters body. */
export async function patientOperation(
  patient: string,
  name: string,
  parameter: NonNullable<Parameters['parameter']> = [],
): Promise<void> {
  await fhirFetch(`/Patient/${encodeURIComponent(patient)}/$${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/fhir+json' },
    body: JSON.stringify({ resourceType: 'Parameters', parameter }),
  });
}

async function errorOf(response: Response): Promise<FhirError> {
  let diagnostics: string | undefined;
  try {
    const outcome = (await response.json()) as OperationOutcome;
    diagnostics = outcome.issue?.[0]?.diagnostics;
  } catch {
    diagnostics = undefined;
  }
  const reason = diagnostics && /\(([A-Z_]+)\)$/.exec(diagnostics)?.[1];
  const said = reason && REASONS[reason];
  switch (response.status) {
    case 403:
      return new FhirError(403, `Action refusée${said ? ` : ${said}` : ''}.`);
    case 404:
      return new FhirError(404, 'Introuvable : l’élément a peut-être été supprimé.');
    case 400:
    case 422:
      return new FhirError(
        response.status,
        said
          ? `Action impossible : ${said}.`
          : 'Action impossible : vérifiez ce que vous avez saisi.',
      );
    default:
      return new FhirError(
        response.status,
        'Le service ne répond pas comme prévu. Réessayez dans quelques instants.',
      );
  }
}

/** What to tell the patient about an error of a page's action. */
export function messageOf(error: unknown): string | undefined {
  if (error instanceof SessionEnded) return undefined;
  if (error instanceof FhirError) return error.message;
  return 'Le service est injoignable. Vérifiez votre connexion, puis réessayez.';
}
