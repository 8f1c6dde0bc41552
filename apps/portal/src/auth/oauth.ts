import * as oauth from 'oauth4webapi';

/**
 * The portal as a SMART app on the patient's channel (README "The patient's channel"): the
 * public client `passerelle-portal`, authorization code with PKCE S256, a refresh token
 * (`offline_access`, granted with `prompt=consent`), revocation and RP-initiated logout.
 */
export const CLIENT: oauth.Client = { client_id: 'passerelle-portal' };
const SCOPE = 'openid fhirUser launch/patient offline_access patient/*.cruds';
const PENDING_LOGIN = 'passerelle-portal:connexion-en-cours';
/** The `state` of the logout redirect: back on the portal, it says the patient is logged out. */
export const LOGGED_OUT_STATE = 'deconnexion';

const origin = window.location.origin;
export const PORTAL_URL = `${origin}/portal/`;
export const REDIRECT_URI = `${origin}/portal/callback`;
export const FHIR_BASE = `${origin}/fhir`;

export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly idToken?: string;
  /** When the access token expires (ms since the epoch). */
  readonly expiresAt: number;
  /** The FHIR Patient id of the one record the token reaches. */
  readonly patient: string;
  readonly role: 'PATIENT' | 'REPRESENTANT_LEGAL';
}

/** A login that did not succeed, with what to tell the patient. */
export class LoginFailed extends Error {}

let discovered: Promise<oauth.AuthorizationServer> | undefined;

/** The gateway's OpenID Connect discovery document (its issuer is the gateway's origin). */
function authorizationServer(): Promise<oauth.AuthorizationServer> {
  discovered ??= (async () => {
    const issuer = new URL(origin);
    return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer));
  })().catch((error: unknown) => {
    discovered = undefined;
    throw error;
  });
  return discovered;
}

/** Leaves for the gateway's login pages; the verifier and state wait in sessionStorage. */
export async function beginLogin(): Promise<void> {
  const server = await authorizationServer();
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  sessionStorage.setItem(PENDING_LOGIN, JSON.stringify({ verifier, state }));
  const url = new URL(server.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: CLIENT.client_id,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: SCOPE,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    // A password and a code at each login, whatever session the provider still holds (a shared
    // computer); OpenID Connect Core §11: offline_access is granted with prompt=consent.
    prompt: 'login consent',
    aud: FHIR_BASE,
  }).toString();
  window.location.assign(url);
}

/** The callback: the code exchanged for tokens, with the verifier of the login it answers. */
export async function completeLogin(callback: URL): Promise<Tokens> {
  const pending = sessionStorage.getItem(PENDING_LOGIN);
  sessionStorage.removeItem(PENDING_LOGIN);
  if (!pending) throw new LoginFailed('Aucune connexion n’était en cours : recommencez.');
  const { verifier, state } = JSON.parse(pending) as { verifier: string; state: string };
  const server = await authorizationServer();
  let parameters: URLSearchParams;
  try {
    parameters = oauth.validateAuthResponse(server, CLIENT, callback, state);
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError && error.error === 'access_denied') {
      throw new LoginFailed('La connexion a été annulée.');
    }
    throw new LoginFailed('La connexion n’a pas abouti : recommencez.');
  }
  const response = await oauth.authorizationCodeGrantRequest(
    server,
    CLIENT,
    oauth.None(),
    parameters,
    REDIRECT_URI,
    verifier,
  );
  return tokensOf(await oauth.processAuthorizationCodeResponse(server, CLIENT, response));
}

/** New tokens for the refresh token (the provider rotates it: the new one replaces it). */
export async function refreshTokens(current: Tokens): Promise<Tokens> {
  if (!current.refreshToken) throw new LoginFailed('Votre session a expiré.');
  const server = await authorizationServer();
  const response = await oauth.refreshTokenGrantRequest(
    server,
    CLIENT,
    oauth.None(),
    current.refreshToken,
  );
  const tokens = tokensOf(await oauth.processRefreshTokenResponse(server, CLIENT, response));
  return {
    ...tokens,
    refreshToken: tokens.refreshToken ?? current.refreshToken,
    idToken: tokens.idToken ?? current.idToken,
  };
}

/** Whether a refresh failed because the grant is over (expired, revoked), not the network. */
export function grantIsOver(error: unknown): boolean {
  return (
    error instanceof LoginFailed ||
    error instanceof oauth.ResponseBodyError ||
    error instanceof oauth.WWWAuthenticateChallengeError
  );
}

/**
 * Logout: the refresh token revoked (which voids the grant and its access tokens at once),
 * then the provider's end of session, which comes back to the portal.
 */
export async function logout(tokens: Tokens): Promise<void> {
  const server = await authorizationServer();
  if (tokens.refreshToken) {
    try {
      await oauth.processRevocationResponse(
        await oauth.revocationRequest(server, CLIENT, oauth.None(), tokens.refreshToken),
      );
    } catch {
      // Already revoked or expired: the end of session below still closes the provider's.
    }
  }
  if (!server.end_session_endpoint) {
    window.location.assign(`${PORTAL_URL}?state=${LOGGED_OUT_STATE}`);
    return;
  }
  const url = new URL(server.end_session_endpoint);
  url.search = new URLSearchParams({
    client_id: CLIENT.client_id,
    post_logout_redirect_uri: PORTAL_URL,
    state: LOGGED_OUT_STATE,
    ...(tokens.idToken ? { id_token_hint: tokens.idToken } : {}),
  }).toString();
  window.location.assign(url);
}

function tokensOf(response: oauth.TokenEndpointResponse): Tokens {
  const claims = claimsOf(response.access_token);
  const patient = typeof response.patient === 'string' ? response.patient : claims.patient;
  if (typeof patient !== 'string') throw new LoginFailed('Le jeton ne désigne aucun dossier.');
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    idToken: response.id_token,
    expiresAt: Date.now() + (response.expires_in ?? 300) * 1000,
    patient,
    role: claims.role === 'REPRESENTANT_LEGAL' ? 'REPRESENTANT_LEGAL' : 'PATIENT',
  };
}

/** The access token's claims, read for display only: the gateway verifies the token. */
function claimsOf(jwt: string): Record<string, unknown> {
  try {
    const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(payload), (character) => character.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return {};
  }
}
