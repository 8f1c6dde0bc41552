import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { freshPatient } from '@passerelle/testing';
import { DmpRecord, DmpTestBed } from './support/dmp-test-bed';
import {
  FormBrowser,
  PatientApp,
  PatientLoginFlow,
  STRONG_PASSWORD,
  interactionPath,
  lastCode,
  outboxMessages,
} from './support/patient-session';

/**
 * The patient's channel over real TLS and PostgreSQL (DESIGN §9): enrolment with the activation
 * code of the file channel, login with password and one-time code, the SMART token, and what a
 * patient token reaches — and never reaches.
 */
describe("the patient's channel", () => {
  let bed: DmpTestBed;
  let outbox: string;
  let appsDir: string;
  let anonymous: Agent;
  let flow: PatientLoginFlow;
  let portal: PatientApp;

  beforeAll(async () => {
    outbox = mkdtempSync(join(tmpdir(), 'passerelle-outbox-'));
    appsDir = mkdtempSync(join(tmpdir(), 'passerelle-apps-'));
    writeFileSync(
      join(appsDir, 'apps.json'),
      JSON.stringify([
        {
          client_id: 'lecteur-tiers',
          client_name: 'Lecteur tiers',
          redirect_uris: ['https://app.example/callback'],
          token_endpoint_auth_method: 'none',
        },
      ]),
    );
    bed = await DmpTestBed.start({
      NOTIFY_CHANNEL: `file:${outbox}`,
      SMART_APPS_FILE: join(appsDir, 'apps.json'),
    });
    anonymous = new Agent({ connect: { ca: bed.ca.certPem } });
    flow = new PatientLoginFlow(bed.gateway.baseUrl, anonymous, outbox);
    portal = {
      clientId: 'passerelle-portal',
      redirectUri: `${bed.gateway.baseUrl}/portal/callback`,
      scope: 'openid fhirUser launch/patient offline_access patient/*.cruds',
    };
  });

  afterAll(async () => {
    await anonymous.close();
    await bed.close();
    rmSync(outbox, { recursive: true, force: true });
    rmSync(appsDir, { recursive: true, force: true });
  });

  /** A record opened by the médecin with the patient's e-mail (and representatives'). */
  async function openRecord(
    email: string,
    representatives: { email: string; name: string }[] = [],
  ): Promise<DmpRecord> {
    const patient = freshPatient();
    const oid = patient.system.slice('urn:oid:'.length);
    const opened = await bed.call('medecin-generaliste', 'POST', '/Patient', {
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
    expect(opened.status).toBe(201);
    return {
      ...patient,
      resourceId: `${oid}-${patient.nir}`,
      key: `${patient.nir}^^^&${oid}&ISO`,
      cx: `${patient.nir}^^^&${oid}&ISO`,
    };
  }

  async function enrol(username: string, email: string, password = STRONG_PASSWORD) {
    const browser = new FormBrowser(bed.gateway.baseUrl, anonymous);
    return browser.post('/patient/enrol', {
      username,
      activation_code: lastCode(outbox, email, 'activation-code'),
      password,
      password_confirm: password,
    });
  }

  function fhir(token: string, method: string, path: string, body?: unknown) {
    return undiciFetch(`${bed.gateway.fhirUrl}${path}`, {
      method,
      dispatcher: anonymous,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/fhir+json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
  }

  it('publishes its OpenID and SMART configurations', async () => {
    const openid = await undiciFetch(`${bed.gateway.baseUrl}/.well-known/openid-configuration`, {
      dispatcher: anonymous,
    });
    expect(openid.status).toBe(200);
    const discovery = (await openid.json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: bed.gateway.baseUrl,
      authorization_endpoint: `${bed.gateway.baseUrl}/oidc/auth`,
      code_challenge_methods_supported: ['S256'],
    });
    const smart = await undiciFetch(`${bed.gateway.fhirUrl}/.well-known/smart-configuration`, {
      dispatcher: anonymous,
    });
    const configuration = (await smart.json()) as Record<string, unknown>;
    expect(configuration).toMatchObject({
      authorization_endpoint: discovery.authorization_endpoint,
      token_endpoint: discovery.token_endpoint,
      jwks_uri: discovery.jwks_uri,
      code_challenge_methods_supported: ['S256'],
    });
    expect(configuration.scopes_supported).toEqual(
      expect.arrayContaining(['launch/patient', 'patient/*.rs', 'offline_access']),
    );
  });

  it('enrols the patient with his activation code and logs him in with a one-time code', async () => {
    const email = 'lea.martin@example.org';
    const record = await openRecord(email);
    const activation = outboxMessages(outbox).find((m) => m.to === email);
    expect(activation).toMatchObject({ kind: 'activation-code', patient: record.resourceId });
    expect(activation!.code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    expect((await enrol(record.nir, email)).status).toBe(200);

    const { tokens } = await flow.login(portal, record.nir, STRONG_PASSWORD, email);
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.patient).toBe(record.resourceId);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const claims = JSON.parse(
      Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(claims).toMatchObject({
      patient: record.resourceId,
      fhirUser: `${bed.gateway.fhirUrl}/Patient/${record.resourceId}`,
      role: 'PATIENT',
      aud: bed.gateway.fhirUrl,
    });
    expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(900);

    const own = await fhir(tokens.access_token, 'GET', `/Patient/${record.resourceId}`);
    expect(own.status).toBe(200);
  });
});
