import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshPatient } from '@passerelle/testing';
import * as oidc from 'openid-client';
import { Agent, fetch as undiciFetch, type Response } from 'undici';
import { DmpRecord, DmpTestBed, FhirBody } from './dmp-test-bed';

/** One notification as the file channel writes it (DESIGN §9). */
export interface OutboxMessage {
  readonly to: string | null;
  readonly kind: string;
  readonly patient: string;
  readonly code?: string;
  readonly text: string;
  readonly createdAt: string;
}

/** The messages the file channel delivered, oldest first. */
export function outboxMessages(directory: string): OutboxMessage[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(directory, name), 'utf8')) as OutboxMessage);
}

/** The last code of this kind sent to this address. */
export function lastCode(directory: string, to: string, kind: string): string {
  const message = outboxMessages(directory)
    .filter((m) => m.to === to && m.kind === kind)
    .at(-1);
  if (!message?.code) throw new Error(`No ${kind} sent to ${to}`);
  return message.code;
}

export interface Page {
  readonly status: number;
  readonly location?: string;
  readonly html: string;
}

/**
 * A browser without JavaScript: it keeps cookies, posts the forms and lets the test follow
 * redirects one by one, over TLS without a client certificate.
 */
export class FormBrowser {
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly origin: string,
    private readonly agent: Agent,
  ) {}

  get(url: string): Promise<Page> {
    return this.request('GET', url);
  }

  post(url: string, form: Record<string, string>): Promise<Page> {
    return this.request('POST', url, new URLSearchParams(form).toString());
  }

  /** Follows redirects within the gateway; stops at the first one leaving it (the app's). */
  async follow(page: Page): Promise<Page> {
    let current = page;
    while (current.location && current.location.startsWith(this.origin)) {
      if (
        current.location.includes('/portal/callback') ||
        current.location.includes('/callback?')
      ) {
        return current;
      }
      current = await this.get(current.location);
    }
    return current;
  }

  private async request(method: string, url: string, body?: string): Promise<Page> {
    const absolute = new URL(url, this.origin).toString();
    const response = await undiciFetch(absolute, {
      method,
      redirect: 'manual',
      dispatcher: this.agent,
      headers: {
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      },
      body,
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator);
      const value = pair.slice(separator + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(cookie) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const location = response.headers.get('location') ?? undefined;
    return {
      status: response.status,
      location: location && new URL(location, absolute).toString(),
      html: await response.text(),
    };
  }
}

/** The `uid` of the interaction a login page posts to. */
export function interactionPath(html: string, step: string): string {
  const match = new RegExp(`action="(/patient/interaction/[^/"]+/${step})"`).exec(html);
  if (!match) throw new Error(`No ${step} form in page:\n${html.slice(0, 800)}`);
  return match[1];
}

export interface PatientApp {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scope: string;
}

export interface LoginResult {
  readonly tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
  readonly config: oidc.Configuration;
  readonly browser: FormBrowser;
}

/** The real authorization-code flow with PKCE S256, through openid-client and the forms. */
export class PatientLoginFlow {
  constructor(
    readonly origin: string,
    readonly agent: Agent,
    readonly outbox: string,
  ) {}

  /** Discovery itself needs the custom fetch: openid-client takes it as an option. */
  async discover(app: PatientApp): Promise<oidc.Configuration> {
    return oidc.discovery(new URL(this.origin), app.clientId, undefined, oidc.None(), {
      [oidc.customFetch]: ((url: string, options: Record<string, unknown>) =>
        undiciFetch(url, { ...options, dispatcher: this.agent })) as never,
    });
  }

  /** Up to the login form: the authorization request, and the browser holding its cookies. */
  async begin(app: PatientApp) {
    const config = await this.discover(app);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: app.redirectUri,
      scope: app.scope,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      aud: `${this.origin}/fhir`,
      // OpenID Connect Core §11: offline_access (a refresh token) is granted with prompt=consent.
      ...(app.scope.includes('offline_access') ? { prompt: 'consent' } : {}),
    });
    const browser = new FormBrowser(this.origin, this.agent);
    const loginPage = await browser.follow(await browser.get(url.toString()));
    return { config, verifier, state, browser, loginPage };
  }

  /** Username and password, then the code from the outbox, then the app's callback. */
  async login(
    app: PatientApp,
    username: string,
    password: string,
    email: string,
  ): Promise<LoginResult> {
    const { config, verifier, state, browser, loginPage } = await this.begin(app);
    const codePage = await browser.post(interactionPath(loginPage.html, 'login'), {
      username,
      password,
    });
    if (codePage.status !== 200)
      throw new Error(`Password refused: ${codePage.html.slice(0, 500)}`);
    const otp = lastCode(this.outbox, email, 'one-time-code');
    let page = await browser.follow(
      await browser.post(interactionPath(codePage.html, 'otp'), { otp }),
    );
    if (page.status === 200 && page.html.includes('/consent"')) {
      page = await browser.follow(await browser.post(interactionPath(page.html, 'consent'), {}));
    }
    if (!page.location?.startsWith(app.redirectUri)) {
      throw new Error(
        `No redirect to the app: ${page.status} ${page.html.replace(/<style>[^]*<\/style>/, '')}`,
      );
    }
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.location), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    return { tokens, config, browser };
  }
}

export const STRONG_PASSWORD = `Passerelle-${randomBytes(4).toString('hex')}-Ok`;

export interface Representative {
  readonly email: string;
  readonly name: string;
}

/**
 * The patient's side of a test bed whose notifications go to the file channel: records opened
 * with the patient's e-mail, enrolment, login to the portal, and `/fhir` with his token.
 */
export class PatientChannel {
  constructor(
    private readonly bed: DmpTestBed,
    private readonly flow: PatientLoginFlow,
    private readonly portal: PatientApp,
  ) {}

  /** A record opened by the médecin with the patient's e-mail (and representatives'). */
  async openRecord(email: string, representatives: Representative[] = []): Promise<DmpRecord> {
    const patient = freshPatient();
    const oid = patient.system.slice('urn:oid:'.length);
    const opened = await this.bed.call('medecin-generaliste', 'POST', '/Patient', {
      resourceType: 'Patient',
      identifier: [{ system: patient.system, value: patient.nir }],
      name: [{ family: 'MARTIN', given: ['Léa'] }],
      telecom: [{ system: 'email', value: email }],
      contact: representatives.map((r) => ({
        relationship: [
          {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'PRN' }],
          },
        ],
        name: { text: r.name, family: r.name },
        telecom: [{ system: 'email', value: r.email }],
      })),
    });
    if (opened.status !== 201) throw new Error(`Record not opened: ${opened.text}`);
    return {
      ...patient,
      resourceId: `${oid}-${patient.nir}`,
      key: `${patient.nir}^^^&${oid}&ISO`,
      cx: `${patient.nir}^^^&${oid}&ISO`,
    };
  }

  /** The enrolment form, with the last activation code sent to this address. */
  enrol(username: string, email: string, password = STRONG_PASSWORD): Promise<Page> {
    const browser = new FormBrowser(this.bed.gateway.baseUrl, this.flow.agent);
    return browser.post('/patient/enrol', {
      username,
      activation_code: lastCode(this.flow.outbox, email, 'activation-code'),
      password,
      password_confirm: password,
    });
  }

  /** Enrols the account of this address and logs it in to the portal. */
  async login(email: string): Promise<LoginResult> {
    const enrolled = await this.enrol(email, email);
    if (enrolled.status !== 200) throw new Error(`Enrolment refused: ${enrolled.html}`);
    return this.flow.login(this.portal, email, STRONG_PASSWORD, email);
  }

  /** A record with an enrolled patient, logged in to the portal. */
  async loggedInPatient(tag: string, representatives: Representative[] = []) {
    const email = `${tag}-${Date.now()}@example.org`;
    const record = await this.openRecord(email, representatives);
    const login = await this.login(email);
    return { record, email, token: login.tokens.access_token, login };
  }

  /** A request to `/fhir` over TLS without a client certificate, with a patient token. */
  fhir(token: string, method: string, path: string, body?: unknown): Promise<Response> {
    return undiciFetch(`${this.bed.gateway.fhirUrl}${path}`, {
      method,
      dispatcher: this.flow.agent,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/fhir+json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
  }
}

/** A FHIR answer's status and parsed body. */
export async function fhirJson(response: Response) {
  return { status: response.status, body: (await response.json()) as FhirBody };
}

/** What the portal asks for; with `offline_access`, a refresh token too. */
export const PORTAL_SCOPE = 'openid fhirUser launch/patient patient/*.cruds';

/** A test bed whose notifications go to the file channel, with the patient's side of it. */
export interface PatientTestBed {
  readonly bed: DmpTestBed;
  readonly channel: PatientChannel;
  readonly flow: PatientLoginFlow;
  readonly portal: PatientApp;
  /** Trusts the test CA and presents no client certificate, as a patient's app. */
  readonly anonymous: Agent;
  readonly outbox: string;
  close(): Promise<void>;
}

/** Starts the gateway with `NOTIFY_CHANNEL=file:<a fresh outbox>` and the portal as the app. */
export async function startPatientTestBed(
  environment: Record<string, string> = {},
  scope = PORTAL_SCOPE,
): Promise<PatientTestBed> {
  const outbox = mkdtempSync(join(tmpdir(), 'passerelle-outbox-'));
  const bed = await DmpTestBed.start({ NOTIFY_CHANNEL: `file:${outbox}`, ...environment });
  const anonymous = new Agent({ connect: { ca: bed.ca.certPem } });
  const flow = new PatientLoginFlow(bed.gateway.baseUrl, anonymous, outbox);
  const portal = {
    clientId: 'passerelle-portal',
    redirectUri: `${bed.gateway.baseUrl}/portal/callback`,
    scope,
  };
  return {
    bed,
    channel: new PatientChannel(bed, flow, portal),
    flow,
    portal,
    anonymous,
    outbox,
    close: async () => {
      await anonymous.close();
      await bed.close();
      rmSync(outbox, { recursive: true, force: true });
    },
  };
}
