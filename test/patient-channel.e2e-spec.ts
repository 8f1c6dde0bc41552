import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { ExpiredStatePurge } from '@passerelle/patient-channel';
import { freshPatient, provideBundle } from '@passerelle/testing';
import { importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import * as oidc from 'openid-client';
import {
  ABSENT_AUTHOR,
  CONFIDENTIALITY_SYSTEM,
  DmpTestBed,
  FhirBody,
  IDNAT,
  RESTRICTION_SYSTEM,
} from './support/dmp-test-bed';
import {
  PatientApp,
  PatientChannel,
  PatientLoginFlow,
  PatientTestBed,
  PORTAL_SCOPE,
  STRONG_PASSWORD,
  fhirJson,
  startPatientTestBed,
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
  let patients: PatientTestBed;
  let bed: DmpTestBed;
  let outbox: string;
  let appsDir: string;
  let anonymous: Agent;
  let flow: PatientLoginFlow;
  let portal: PatientApp;
  let channel: PatientChannel;

  beforeAll(async () => {
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
    patients = await startPatientTestBed(
      {
        SMART_APPS_FILE: join(appsDir, 'apps.json'),
        OIDC_SECRETS_FILE: join(appsDir, 'secrets.json'),
      },
      `${PORTAL_SCOPE} offline_access`,
    );
    ({ bed, outbox, anonymous, flow, portal, channel } = patients);
  });

  afterAll(async () => {
    await patients.close();
    rmSync(appsDir, { recursive: true, force: true });
  });

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
    const record = await channel.openRecord(email);
    const activation = outboxMessages(outbox).find((m) => m.to === email);
    expect(activation).toMatchObject({ kind: 'activation-code', patient: record.resourceId });
    expect(activation!.code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    expect((await channel.enrol(record.nir, email)).status).toBe(200);

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

    const own = await channel.fhir(tokens.access_token, 'GET', `/Patient/${record.resourceId}`);
    expect(own.status).toBe(200);
  });

  it('answers 401 without a certificate and without a patient token, on /fhir and on XDS', async () => {
    const fhirAnswer = await undiciFetch(`${bed.gateway.fhirUrl}/DocumentReference`, {
      dispatcher: anonymous,
    });
    expect(fhirAnswer.status).toBe(401);
    expect(((await fhirAnswer.json()) as FhirBody).resourceType).toBe('OperationOutcome');
    const { token } = await channel.loggedInPatient('xds');
    const xds = await undiciFetch(`${bed.gateway.baseUrl}/xds/registry`, {
      method: 'POST',
      dispatcher: anonymous,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/soap+xml' },
      body: '<x/>',
    });
    expect(xds.status).toBe(401);
  });

  it('shows the patient his documents but those invisible to him, and nothing of another record', async () => {
    const { record, token } = await channel.loggedInPatient('docs');
    await bed.provide(record, [
      { title: 'Compte rendu' },
      { title: 'Annonce', securityLabels: ['N', 'INVISIBLE_PATIENT'] },
    ]);
    const search = await fhirJson(
      await channel.fhir(token, 'GET', `/DocumentReference?patient=Patient/${record.resourceId}`),
    );
    expect(search.status).toBe(200);
    const titles = (search.body.entry ?? []).map(
      (entry) => (entry.resource as { description?: string }).description,
    );
    expect(search.body.total).toBe(1);
    expect(titles).not.toContain('Annonce');

    const other = await bed.newRecord();
    await bed.provide(other, [{ title: 'Autre patient' }]);
    for (const path of [
      `/Patient/${other.resourceId}`,
      `/DocumentReference?patient=Patient/${other.resourceId}`,
      `/AuditEvent?patient=Patient/${other.resourceId}`,
    ]) {
      const answer = await fhirJson(await channel.fhir(token, 'GET', path));
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
    }
    const unknown = freshPatient();
    const oid = unknown.system.slice('urn:oid:'.length);
    const absent = await fhirJson(
      await channel.fhir(token, 'GET', `/Patient/${oid}-${unknown.nir}`),
    );
    expect(absent.status).toBe(404);
    expect(absent.body.issue?.[0]?.diagnostics).toBe(
      (await fhirJson(await channel.fhir(token, 'GET', `/Patient/${other.resourceId}`))).body
        .issue?.[0]?.diagnostics,
    );
  });

  it('lets the patient manage access, read his history and close and reopen his record', async () => {
    const { record, token } = await channel.loggedInPatient('manage');
    const operation = (name: string, parameter: unknown[] = []) =>
      channel.fhir(token, 'POST', `/Patient/${record.resourceId}/$${name}`, {
        resourceType: 'Parameters',
        parameter,
      });
    const pharmacien = [{ name: 'professional', valueString: IDNAT.pharmacien }];
    expect((await operation('declare-authorisation', pharmacien)).status).toBe(200);
    expect((await bed.search('pharmacien', record)).status).toBe(200);
    expect((await operation('block', pharmacien)).status).toBe(200);
    expect((await bed.search('pharmacien', record)).status).toBe(403);
    expect((await operation('unblock', pharmacien)).status).toBe(200);
    expect(
      (await operation('emergency-consents', [{ name: 'otherProfessionals', valueBoolean: false }]))
        .status,
    ).toBe(200);
    const history = await fhirJson(
      await channel.fhir(token, 'GET', `/AuditEvent?patient=Patient/${record.resourceId}`),
    );
    expect(history.status).toBe(200);
    const agents = (history.body.entry ?? []).map(
      (entry) =>
        (entry.resource as { agent?: { who?: { identifier?: { value?: string } } }[] }).agent?.[0]
          ?.who?.identifier?.value,
    );
    expect(agents).toContain(IDNAT.pharmacien);

    expect(
      (await operation('close', [{ name: 'reason', valueString: 'Je ferme mon DMP' }])).status,
    ).toBe(200);
    expect((await bed.search('medecin-generaliste', record)).status).toBe(403);
    expect(
      (
        await fhirJson(
          await channel.fhir(
            token,
            'GET',
            `/DocumentReference?patient=Patient/${record.resourceId}`,
          ),
        )
      ).status,
    ).toBe(200);
    expect((await operation('block', pharmacien)).status).toBe(403);
    expect((await operation('reopen')).status).toBe(200);
    expect((await bed.search('medecin-generaliste', record)).status).toBe(200);
  });

  it('refuses the patient what only a professional may do', async () => {
    const { record, token } = await channel.loggedInPatient('pro-only');
    const provided = await bed.provide(record, [{ title: 'Résultats' }]);
    const patch = await undiciFetch(
      `${bed.gateway.fhirUrl}/DocumentReference/${provided.documentIds[0]}`,
      {
        method: 'PATCH',
        dispatcher: anonymous,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json-patch+json',
        },
        body: JSON.stringify([
          {
            op: 'add',
            path: '/securityLabel/-',
            value: { coding: [{ system: RESTRICTION_SYSTEM, code: 'INVISIBLE_PATIENT' }] },
          },
        ]),
      },
    );
    expect(patch.status).toBe(403);
    const open = await channel.fhir(token, 'POST', '/Patient', {
      resourceType: 'Patient',
      identifier: [{ system: record.system, value: record.nir }],
    });
    expect(open.status).toBe(403);
  });

  it('lets the patient mask a document from professionals and unmask it', async () => {
    const { record, token } = await channel.loggedInPatient('mask');
    const provided = await bed.provide(
      record,
      [{ title: 'À masquer', authorId: ABSENT_AUTHOR }],
      'laboratoire-org',
    );
    const labels = (codes: string[]) =>
      undiciFetch(`${bed.gateway.fhirUrl}/DocumentReference/${provided.documentIds[0]}`, {
        method: 'PATCH',
        dispatcher: anonymous,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json-patch+json',
        },
        body: JSON.stringify([
          {
            op: 'replace',
            path: '/securityLabel',
            value: codes.map((code) => ({
              coding: [
                code === 'N'
                  ? { system: CONFIDENTIALITY_SYSTEM, code }
                  : { system: RESTRICTION_SYSTEM, code },
              ],
            })),
          },
        ]),
      });
    const seenByMedecin = async () => (await bed.search('medecin-generaliste', record)).body.total;
    expect(await seenByMedecin()).toBe(1);
    expect((await labels(['N', 'MASQUE_PS'])).status).toBe(200);
    expect(await seenByMedecin()).toBe(0);
    const own = await fhirJson(
      await channel.fhir(token, 'GET', `/DocumentReference?patient=Patient/${record.resourceId}`),
    );
    expect(own.body.total).toBe(1);
    expect((await labels(['N'])).status).toBe(200);
    expect(await seenByMedecin()).toBe(1);
  });

  it('hides INVISIBLE_REPRESENTANTS_LEGAUX documents from a legal representative only', async () => {
    const parent = `parent-${Date.now()}@example.org`;
    const { record, token } = await channel.loggedInPatient('minor', [
      { email: parent, name: 'Paul MARTIN' },
    ]);
    await bed.provide(record, [
      { title: 'Visible' },
      { title: 'Confidentiel', securityLabels: ['N', 'INVISIBLE_REPRESENTANTS_LEGAUX'] },
    ]);
    expect((await channel.enrol(parent, parent)).status).toBe(200);
    const representative = await flow.login(portal, parent, STRONG_PASSWORD, parent);
    const claims = JSON.parse(
      Buffer.from(representative.tokens.access_token.split('.')[1], 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(claims).toMatchObject({ role: 'REPRESENTANT_LEGAL', patient: record.resourceId });
    const path = `/DocumentReference?patient=Patient/${record.resourceId}`;
    expect((await fhirJson(await channel.fhir(token, 'GET', path))).body.total).toBe(2);
    expect(
      (await fhirJson(await channel.fhir(representative.tokens.access_token, 'GET', path))).body
        .total,
    ).toBe(1);
  });

  it('refuses expired, tampered, wrong-audience and revoked tokens', async () => {
    const { record, token, login } = await channel.loggedInPatient('tokens');
    const path = `/Patient/${record.resourceId}`;
    expect((await channel.fhir(token, 'GET', path)).status).toBe(200);
    const [header, payload, signature] = token.split('.');
    const tampered = `${header}.${payload}.${signature.slice(0, -4)}AAAA`;
    expect((await channel.fhir(tampered, 'GET', path)).status).toBe(401);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as JWTPayload;
    const secrets = JSON.parse(readFileSync(join(appsDir, 'secrets.json'), 'utf8')) as {
      jwks: { keys: (JWK & { alg: string; kid: string })[] };
    };
    const ecKey = secrets.jwks.keys.find((key) => key.alg === 'ES256')!;
    const signed = async (changes: JWTPayload) =>
      new SignJWT({ ...claims, ...changes })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: ecKey.kid })
        .sign(await importJWK(ecKey, 'ES256'));
    expect((await channel.fhir(await signed({}), 'GET', path)).status).toBe(200);
    const now = Math.floor(Date.now() / 1000);
    expect(
      (await channel.fhir(await signed({ exp: now - 10, iat: now - 1000 }), 'GET', path)).status,
    ).toBe(401);
    expect(
      (await channel.fhir(await signed({ aud: 'https://other.example/fhir' }), 'GET', path)).status,
    ).toBe(401);
    expect(
      (await channel.fhir(await signed({ iss: 'https://other.example' }), 'GET', path)).status,
    ).toBe(401);

    await oidc.tokenRevocation(login.config, login.tokens.refresh_token!);
    expect((await channel.fhir(token, 'GET', path)).status).toBe(401);
    const refreshed = oidc.refreshTokenGrant(login.config, login.tokens.refresh_token!);
    await expect(refreshed).rejects.toThrow();
  });

  it('renews the access token with the refresh token', async () => {
    const { record, login } = await channel.loggedInPatient('refresh');
    const renewed = await oidc.refreshTokenGrant(login.config, login.tokens.refresh_token!);
    expect(renewed.access_token).not.toBe(login.tokens.access_token);
    expect(
      (await channel.fhir(renewed.access_token, 'GET', `/Patient/${record.resourceId}`)).status,
    ).toBe(200);
  });

  it('locks an account after 5 wrong passwords, with a clear message, and audits it', async () => {
    const { record, email } = await channel.loggedInPatient('brute');
    const { browser, loginPage } = await flow.begin(portal);
    const action = interactionPath(loginPage.html, 'login');
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const refused = await browser.post(action, {
        username: email,
        password: 'mauvais-mot-de-passe',
      });
      expect(refused.status).toBe(401);
      expect(refused.html).toContain('Identifiant ou mot de passe incorrect');
    }
    const locked = await browser.post(action, {
      username: email,
      password: 'mauvais-mot-de-passe',
    });
    expect(locked.status).toBe(429);
    expect(locked.html).toContain('verrouillé');
    const evenRight = await browser.post(action, { username: email, password: STRONG_PASSWORD });
    expect(evenRight.status).toBe(429);
    const unknown = await browser.post(action, { username: 'personne@example.org', password: 'x' });
    expect(unknown.status).toBe(401);
    const audit = await bed.auditRows(record);
    expect(audit.filter((row) => row.reason === 'PASSWORD_REFUSED')).toHaveLength(5);
  });

  it('gives 5 tries at a one-time code, then asks for a new one', async () => {
    const { email } = await channel.loggedInPatient('otp');
    const { browser, loginPage } = await flow.begin(portal);
    const codePage = await browser.post(interactionPath(loginPage.html, 'login'), {
      username: email,
      password: STRONG_PASSWORD,
    });
    const action = interactionPath(codePage.html, 'otp');
    const right = lastCode(outbox, email, 'one-time-code');
    const wrong = right === '000000' ? '111111' : '000000';
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const refused = await browser.post(action, { otp: wrong });
      expect(refused.html).toContain(`Il vous reste ${5 - attempt} essai`);
    }
    const last = await browser.post(action, { otp: wrong });
    expect(last.html).toContain('Reconnectez-vous');
    const tooLate = await browser.post(action, { otp: right });
    expect(tooLate.status).toBe(401);
    expect(tooLate.html).toContain('Reconnectez-vous');
  });

  it('asks the patient to consent for a third-party app, whose scopes then cap what it may do', async () => {
    const { record, email } = await channel.loggedInPatient('third-party');
    const app: PatientApp = {
      clientId: 'lecteur-tiers',
      redirectUri: 'https://app.example/callback',
      scope: 'openid fhirUser launch/patient patient/*.rs',
    };
    const { tokens } = await flow.login(app, email, STRONG_PASSWORD, email);
    expect(tokens.patient).toBe(record.resourceId);
    const read = await channel.fhir(
      tokens.access_token,
      'GET',
      `/DocumentReference?patient=Patient/${record.resourceId}`,
    );
    expect(read.status).toBe(200);
    const write = await channel.fhir(
      tokens.access_token,
      'POST',
      `/Patient/${record.resourceId}/$block`,
      {
        resourceType: 'Parameters',
        parameter: [{ name: 'professional', valueString: IDNAT.pharmacien }],
      },
    );
    expect(write.status).toBe(403);
  });

  it('lets the patient provide documents he authored himself, and no other', async () => {
    const { record, token } = await channel.loggedInPatient('author');
    const byThePatient = provideBundle(record.token, [{ title: 'Directives anticipées' }]);
    for (const entry of byThePatient.entry ?? []) {
      const resource = entry.resource as {
        resourceType: string;
        author?: unknown;
        contained?: unknown[];
      };
      if (resource.resourceType === 'DocumentReference') {
        resource.author = [{ reference: `Patient/${record.resourceId}` }];
        resource.contained = [];
      }
    }
    const provided = await channel.fhir(token, 'POST', '', byThePatient);
    expect(provided.status).toBe(200);
    const own = await fhirJson(
      await channel.fhir(token, 'GET', `/DocumentReference?patient=Patient/${record.resourceId}`),
    );
    expect(own.body.total).toBe(1);
    expect((await bed.search('medecin-generaliste', record)).body.total).toBe(1);

    const byADoctor = provideBundle(record.token, [{ title: 'Faux compte rendu' }]);
    const refused = await fhirJson(await channel.fhir(token, 'POST', '', byADoctor));
    expect(refused.status).toBe(403);
    expect(refused.body.issue?.[0]?.diagnostics).toMatch(/PATIENT_AUTHOR_ONLY/);
  });

  it('sends the one-time code at once, even behind a backlog of notifications', async () => {
    const { email } = await channel.loggedInPatient('backlog');
    await bed.database.query(
      `INSERT INTO notification_outbox (patient_key, id, kind, payload, created_at, next_attempt_at)
       SELECT $1, 'backlog-' || n, 'new-document', '{"count": 1}', now(), now() - interval '1 hour'
       FROM generate_series(1, 200) AS n`,
      [freshPatient().token.replace('urn:oid:', '').split('|').reverse().join('^^^&') + '&ISO'],
    );
    const { browser, loginPage } = await flow.begin(portal);
    const before = outboxMessages(outbox).filter((m) => m.kind === 'one-time-code').length;
    const codePage = await browser.post(interactionPath(loginPage.html, 'login'), {
      username: email,
      password: STRONG_PASSWORD,
    });
    expect(codePage.status).toBe(200);
    const codes = outboxMessages(outbox).filter((m) => m.kind === 'one-time-code');
    expect(codes).toHaveLength(before + 1);
    expect(codes.at(-1)!.to).toBe(email);
  });

  it('takes no password or code once the login is done: a login step of a finished interaction is refused', async () => {
    const { email, login } = await channel.loggedInPatient('stale');
    const { browser, loginPage } = await flow.begin(portal);
    const action = interactionPath(loginPage.html, 'login');
    const first = await browser.post(action, { username: email, password: STRONG_PASSWORD });
    const otp = lastCode(outbox, email, 'one-time-code');
    await browser.follow(await browser.post(interactionPath(first.html, 'otp'), { otp }));
    const replay = await browser.post(action, { username: email, password: STRONG_PASSWORD });
    expect(replay.status).toBeGreaterThanOrEqual(400);
    expect(login.tokens.access_token).toEqual(expect.any(String));
  });

  it('purges expired provider state, one-time codes and old throttle windows, nothing live', async () => {
    await channel.loggedInPatient('purge');
    await bed.database.query(
      `INSERT INTO oidc_model (model, id, payload, expires_at)
       VALUES ('Session', 'expired-session', '{}', now() - interval '1 minute')`,
    );
    await bed.database.query(
      `INSERT INTO patient_login_throttle (key, failures, window_started_at)
       VALUES ('username:old@example.org', 2, now() - interval '2 days')`,
    );
    const live = async () =>
      Number(
        (
          await bed.database.query<{ n: string }>(
            `SELECT count(*) AS n FROM oidc_model WHERE expires_at IS NULL OR expires_at > now()`,
          )
        ).rows[0].n,
      );
    const liveBefore = await live();
    const purged = await bed.gateway.gateway.app.get(ExpiredStatePurge).purge();
    expect(purged).toBeGreaterThanOrEqual(2);
    expect(await live()).toBe(liveBefore);
    const { rows } = await bed.database.query(
      `SELECT 1 FROM oidc_model WHERE id = 'expired-session'
       UNION ALL SELECT 1 FROM patient_login_throttle WHERE key = 'username:old@example.org'`,
    );
    expect(rows).toEqual([]);
  });
});
