import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { TimedResponse } from './fhir-client';
import { AnonymousClient, BrowserSession, formAction } from './patient-browser';
import { Outbox } from './patient-outbox';

/** The first-party portal: a public client, registered by the gateway itself. */
const PORTAL_CLIENT_ID = 'passerelle-portal';
/** What the bench does with the token: read and search the patient's record. */
const SCOPE = 'openid fhirUser launch/patient patient/*.rs';

export interface PatientAccount {
  readonly email: string;
  readonly password: string;
  /** The Patient resource id of his record, which the token must name. */
  readonly resourceId: string;
}

export interface PatientToken extends TimedResponse {
  readonly accessToken: string;
  readonly patient: string;
}

interface TokenResponse {
  readonly access_token?: string;
  readonly patient?: string;
}

/**
 * The patient's side of the channel as the portal drives it: enrolment with the activation
 * code, and the authorization-code flow with PKCE S256 (password, one-time code, code exchange).
 */
export class PortalLogin {
  private constructor(
    private readonly client: AnonymousClient,
    private readonly outbox: Outbox,
    private readonly issuer: string,
  ) {}

  /** The issuer (the gateway's public origin, which may not be the one we connect to). */
  static async discover(client: AnonymousClient, outbox: Outbox): Promise<PortalLogin> {
    const answer = await client.send('GET', '/.well-known/openid-configuration');
    if (answer.status !== 200) throw new Error(`OpenID discovery: HTTP ${answer.status}`);
    const { issuer } = JSON.parse(answer.text) as { issuer: string };
    return new PortalLogin(client, outbox, issuer);
  }

  private get redirectUri(): string {
    return `${this.issuer}/portal/callback`;
  }

  /** Username = e-mail; the activation code is the one the record's opening sent. */
  async enrol(account: PatientAccount): Promise<void> {
    const activationCode = await this.outbox.code(account.email, 'activation-code');
    const page = await new BrowserSession(this.client, this.issuer).post('/patient/enrol', {
      username: account.email,
      activation_code: activationCode,
      password: account.password,
      password_confirm: account.password,
    });
    if (page.status !== 200) throw new Error(`Enrolment refused: HTTP ${page.status}`);
  }

  /** From the authorization request to the token response, timed as one operation. */
  async logIn(account: PatientAccount): Promise<PatientToken> {
    const started = performance.now();
    const browser = new BrowserSession(this.client, this.issuer);
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    const loginPage = await browser.follow(
      await browser.get(this.authorizationPath(verifier, state)),
      this.redirectUri,
    );
    const codePage = await browser.post(formAction(loginPage.html, 'login'), {
      username: account.email,
      password: account.password,
    });
    if (codePage.status !== 200) throw new Error(`Password refused: HTTP ${codePage.status}`);
    const otp = await this.outbox.code(account.email, 'one-time-code');
    const callback = await browser.follow(
      await browser.post(formAction(codePage.html, 'otp'), { otp }),
      this.redirectUri,
    );
    const code = this.authorizationCode(callback.location, state);
    const answer = await this.client.send(
      'POST',
      '/oidc/token',
      { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: this.redirectUri,
        client_id: PORTAL_CLIENT_ID,
        code_verifier: verifier,
      }).toString(),
    );
    const milliseconds = performance.now() - started;
    const tokens = JSON.parse(answer.text) as TokenResponse;
    if (answer.status !== 200 || !tokens.access_token || tokens.patient !== account.resourceId) {
      throw new Error(`Token response: HTTP ${answer.status} ${answer.text.slice(0, 300)}`);
    }
    return {
      status: answer.status,
      milliseconds,
      accessToken: tokens.access_token,
      patient: tokens.patient,
    };
  }

  private authorizationPath(verifier: string, state: string): string {
    const query = new URLSearchParams({
      client_id: PORTAL_CLIENT_ID,
      response_type: 'code',
      redirect_uri: this.redirectUri,
      scope: SCOPE,
      state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      aud: `${this.issuer}/fhir`,
    });
    return `/oidc/auth?${query.toString()}`;
  }

  private authorizationCode(callback: string | undefined, state: string): string {
    if (!callback?.startsWith(this.redirectUri)) {
      throw new Error(`No redirect to the portal, got ${callback ?? 'a page'}`);
    }
    const parameters = new URL(callback).searchParams;
    const code = parameters.get('code');
    if (!code || parameters.get('state') !== state) {
      throw new Error(`Callback without code or with another state: ${callback}`);
    }
    return code;
  }
}
