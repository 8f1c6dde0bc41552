import { PatientId } from '@passerelle/domain';
import { RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '@passerelle/platform';
import type Provider from 'oidc-provider';
import type { ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { PatientAccount, PatientAccountStore, OidcStore } from '../ports';
import { PORTAL_CLIENT_ID } from '../patient-channel-options';
import { errorPage, logoutPage, loggedOutPage } from '../login/pages';
import { oidcAdapterFor } from './oidc-adapter';
import type { ChannelSecrets } from './secrets';
import { LAUNCH_SCOPES, RESOURCE_SCOPES } from './smart-scopes';

export interface ProviderSettings {
  readonly issuer: string;
  readonly secrets: ChannelSecrets;
  readonly store: OidcStore;
  readonly accounts: PatientAccountStore;
  readonly apps: readonly ClientMetadata[];
  readonly accessTokenSeconds: number;
}

/** The FHIR base the patient tokens are for (their audience). */
export const fhirBaseOf = (issuer: string) => `${issuer}/fhir`;

/** `Patient/<id>` for the patient, `RelatedPerson/<account>` for a legal representative. */
export function fhirUserOf(issuer: string, account: PatientAccount): string {
  return account.role === 'PATIENT'
    ? `${fhirBaseOf(issuer)}/Patient/${PatientId.fromCx(account.patientKey).resourceId}`
    : `${fhirBaseOf(issuer)}/RelatedPerson/${account.id}`;
}

/** The claims a patient access token carries besides the standard ones (DESIGN §9). */
export interface PatientTokenClaims {
  readonly patient: string;
  readonly fhirUser: string;
  readonly role: PatientAccount['role'];
  /** The grant the token was issued under: a revoked grant voids its tokens at once. */
  readonly grant: string;
}

/**
 * The gateway's OpenID Connect provider for patients (SMART App Launch 2, standalone patient
 * launch): authorization code with PKCE S256 only, JWT access tokens for `/fhir` alone.
 */
export async function createProvider(settings: ProviderSettings): Promise<Provider> {
  // Loaded when the gateway starts, not whenever a lib is imported (the CLI never needs it).
  const oidc = await import('oidc-provider');
  const provider = new oidc.default(settings.issuer, configuration(settings, oidc.errors));
  provider.use(async (ctx, next) => {
    await next();
    const oidcContext = ctx as KoaContextWithOIDC;
    if (oidcContext.oidc?.route === 'token') addPatientToTokenResponse(oidcContext);
  });
  provider.on('server_error', answerStoreUnavailable);
  return provider;
}

/**
 * The provider's state lives in PostgreSQL: while it is out of reach, the provider's 500
 * becomes RFC 6749's `temporarily_unavailable`, a 503 worth a retry, telling nothing of the cause.
 * A redirect to the client (the authorization endpoint's errors) is left as it is.
 */
function answerStoreUnavailable(ctx: KoaContextWithOIDC, error: unknown): void {
  if (ctx.status !== 500 || !isDatabaseUnavailable(error)) return;
  ctx.status = 503;
  ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
  const description = 'The service is temporarily unavailable; retry later';
  if (ctx.type === 'text/html') ctx.body = errorPage(description);
  else ctx.body = { error: 'temporarily_unavailable', error_description: description };
}

function configuration(
  settings: ProviderSettings,
  errors: typeof import('oidc-provider').errors,
): Configuration {
  const { issuer, accounts, secrets, accessTokenSeconds } = settings;
  const fhirBase = fhirBaseOf(issuer);
  return {
    adapter: oidcAdapterFor(settings.store),
    clients: [portalClient(issuer), ...settings.apps],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      id_token_signed_response_alg: 'RS256',
    },
    jwks: secrets.jwks,
    cookies: {
      keys: secrets.cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    routes: {
      authorization: '/oidc/auth',
      token: '/oidc/token',
      jwks: '/oidc/jwks',
      userinfo: '/oidc/me',
      end_session: '/oidc/session/end',
      revocation: '/oidc/token/revocation',
      introspection: '/oidc/token/introspection',
      registration: '/oidc/reg',
      pushed_authorization_request: '/oidc/request',
      code_verification: '/oidc/device',
      device_authorization: '/oidc/device/auth',
      backchannel_authentication: '/oidc/backchannel',
      challenge: '/oidc/challenge',
      credential: '/oidc/credential',
    },
    findAccount: async (_ctx, sub) => {
      const account = await accounts.findById(sub);
      if (!account?.enrolledAt) return undefined;
      return {
        accountId: account.id,
        claims: () => ({
          sub: account.id,
          fhirUser: fhirUserOf(issuer, account),
          name: account.displayName,
          ...(account.email ? { email: account.email } : {}),
        }),
      };
    },
    claims: { openid: ['sub'], fhirUser: ['fhirUser'], profile: ['name'], email: ['email'] },
    scopes: [...LAUNCH_SCOPES, 'profile', 'email'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/patient/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      // An app revokes only the tokens it was issued (logout).
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      introspection: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.type = 'html';
          ctx.body = logoutPage(form);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.type = 'html';
          ctx.body = loggedOutPage();
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => fhirBase,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== fhirBase) throw new errors.InvalidTarget();
          return {
            scope: RESOURCE_SCOPES.join(' '),
            audience: fhirBase,
            accessTokenTTL: accessTokenSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    extraTokenClaims: async (_ctx, token) => {
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      const account = await accounts.findById(token.accountId);
      if (!account) return undefined;
      const claims: PatientTokenClaims = {
        patient: PatientId.fromCx(account.patientKey).resourceId,
        fhirUser: fhirUserOf(issuer, account),
        role: account.role,
        grant: token.grantId,
      };
      return { ...claims };
    },
    issueRefreshToken: (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    ttl: {
      AccessToken: accessTokenSeconds,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 12 * 3600,
      Interaction: 15 * 60,
      Session: 12 * 3600,
      Grant: 12 * 3600,
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(out.error_description ?? out.error);
    },
  };
}

function portalClient(issuer: string): ClientMetadata {
  return {
    client_id: PORTAL_CLIENT_ID,
    client_name: 'Portail patient Passerelle',
    redirect_uris: [`${issuer}/portal/callback`],
    post_logout_redirect_uris: [`${issuer}/portal/`],
  };
}

/** SMART: the token response names the patient in context (`patient`). */
function addPatientToTokenResponse(ctx: KoaContextWithOIDC): void {
  const body = ctx.body as { access_token?: unknown } | undefined;
  if (ctx.status !== 200 || typeof body?.access_token !== 'string') return;
  const payload = JSON.parse(
    Buffer.from(body.access_token.split('.')[1] ?? '', 'base64url').toString('utf8') || '{}',
  ) as Partial<PatientTokenClaims>;
  if (payload.patient) ctx.body = { ...body, patient: payload.patient };
}
