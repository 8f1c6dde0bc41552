import { Inject, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type Provider from 'oidc-provider';
import { PATIENT_CHANNEL_OPTIONS, PatientChannelOptions } from './patient-channel-options';
import { createProvider } from './oidc/provider-configuration';
import { ChannelSecrets } from './oidc/secrets';
import { LAUNCH_SCOPES, RESOURCE_SCOPES } from './oidc/smart-scopes';
import { OIDC_STORE, OidcStore, PATIENT_ACCOUNT_STORE, PatientAccountStore } from './ports';
import { JwtPatientTokenVerifier } from './token/patient-token-verifier';

const PROVIDER_PATH = /^\/(oidc\/|\.well-known\/openid-configuration$)/;
const SMART_CONFIGURATION = '/fhir/.well-known/smart-configuration';

/**
 * The patient's channel at run time: the OpenID Connect provider (started once the gateway's
 * public origin — its issuer — is known) and the discovery documents of DESIGN §9.
 */
@Injectable()
export class PatientChannel {
  private provider?: Provider;
  private issuer?: string;

  constructor(
    @Inject(PATIENT_CHANNEL_OPTIONS) private readonly options: PatientChannelOptions,
    private readonly secrets: ChannelSecrets,
    @Inject(OIDC_STORE) private readonly store: OidcStore,
    @Inject(PATIENT_ACCOUNT_STORE) private readonly accounts: PatientAccountStore,
    private readonly tokens: JwtPatientTokenVerifier,
  ) {}

  async start(issuer: string): Promise<void> {
    this.issuer = issuer;
    this.provider = await createProvider({
      issuer,
      secrets: this.secrets,
      store: this.store,
      accounts: this.accounts,
      apps: this.options.apps,
      accessTokenSeconds: this.options.accessTokenSeconds,
    });
    this.tokens.configure(issuer, this.secrets);
  }

  /** The provider, for the login pages; refused while the channel is not started. */
  get oidc(): Provider {
    if (!this.provider) throw new Error('The patient channel is not started');
    return this.provider;
  }

  /** Express middleware: the provider's endpoints and the SMART configuration. */
  readonly middleware = (request: Request, response: Response, next: NextFunction): void => {
    if (request.method === 'GET' && request.path === SMART_CONFIGURATION && this.issuer) {
      response.json(smartConfiguration(this.issuer));
      return;
    }
    if (!PROVIDER_PATH.test(request.path)) return next();
    if (!this.provider) {
      response.status(503).json({ error: 'temporarily_unavailable' });
      return;
    }
    void this.provider.callback()(request, response);
  };
}

/** SMART App Launch 2 discovery (`/fhir/.well-known/smart-configuration`). */
function smartConfiguration(issuer: string) {
  return {
    issuer,
    jwks_uri: `${issuer}/oidc/jwks`,
    authorization_endpoint: `${issuer}/oidc/auth`,
    token_endpoint: `${issuer}/oidc/token`,
    revocation_endpoint: `${issuer}/oidc/token/revocation`,
    userinfo_endpoint: `${issuer}/oidc/me`,
    end_session_endpoint: `${issuer}/oidc/session/end`,
    grant_types_supported: ['authorization_code', 'refresh_token'],
    response_types_supported: ['code'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    scopes_supported: [...LAUNCH_SCOPES, ...RESOURCE_SCOPES],
    code_challenge_methods_supported: ['S256'],
    capabilities: [
      'launch-standalone',
      'client-public',
      'client-confidential-symmetric',
      'context-standalone-patient',
      'permission-patient',
      'permission-v1',
      'permission-v2',
      'permission-offline',
      'sso-openid-connect',
    ],
  };
}
