import type { Bundle, DocumentReference, Practitioner } from 'fhir/r4';
import { freshOid, provideBundle } from '@passerelle/testing';
import { unzipSync } from 'fflate';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { Agent, fetch as undiciFetch } from 'undici';
import { passerelle } from './support/cli';
import { ABSENT_AUTHOR, DmpRecord, DmpTestBed, IDNAT } from './support/dmp-test-bed';
import {
  PORTAL_SCOPE,
  PatientChannel,
  PatientTestBed,
  outboxMessages,
  startPatientTestBed,
} from './support/patient-session';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--ignore-certificate-errors',
  '--lang=fr-FR',
];
const ROOT = join(__dirname, '..');
const SCREENSHOTS = join(ROOT, 'test-output', 'portal');
const CLI = join(ROOT, 'dist/apps/cli/apps/cli/src/main.js');
const DISCHARGE_LETTER = join(ROOT, 'fixtures/cda/written/LDL-SES_discharge-letter.xml');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const PASSWORD = `Mon-dossier-${randomBytes(3).toString('hex')}-2026`;

jest.setTimeout(240_000);

/** A one-page PDF a browser renders, its text the given lines (ASCII), its bytes its own. */
function aPdf(lines: readonly string[]): Buffer {
  const text = [...lines, `ref. ${randomBytes(6).toString('hex')}`]
    .map((line, index) => `${index === 0 ? '' : '0 -26 Td '}(${line}) Tj`)
    .join(' ');
  const content = `BT /F1 16 Tf 72 760 Td ${text} ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let pdf = '%PDF-1.4\n';
  const offsets = objects.map((object, index) => {
    const offset = pdf.length;
    pdf += `${index + 1} 0 obj\n${object}\nendobj\n`;
    return offset;
  });
  const xref = pdf.length;
  pdf +=
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

interface AxeViolation {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  readonly nodes: string[];
}

/**
 * The patient portal in a real browser (Debian's Chromium, driven by playwright-core) against
 * the real gateway on PostgreSQL, over TLS without a client certificate: enrolment and login
 * through the gateway's pages (codes read from the file channel), documents pushed by a
 * hospital through ITI-41 and ITI-65, the viewer, hiding, blocking, the access history, the
 * ZIP export, session expiry and logout; axe-core on every page, a screenshot of each.
 */
describe('the patient portal in a browser', () => {
  let patients: PatientTestBed | undefined;
  let anonymous: Agent;
  let bed: DmpTestBed;
  let outbox: string;
  let userData: string;
  let channel: PatientChannel;
  let context: BrowserContext;
  let page: Page;
  const pageProblems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/portal/index.html'))) {
      throw new Error('The portal is not built: run `npm run build` (or `npm run build:portal`)');
    }
    userData = mkdtempSync(join(tmpdir(), 'passerelle-chromium-'));
    mkdirSync(SCREENSHOTS, { recursive: true });
    patients = await startPatientTestBed({}, `${PORTAL_SCOPE} offline_access`);
    ({ bed, channel, outbox, anonymous } = patients);
    // The directory the patient searches, and where the portal finds the names it shows.
    const seeded = passerelle('directory', 'seed');
    if (seeded.status !== 0) throw new Error(`directory seed: ${seeded.stderr}`);
    context = await chromium.launchPersistentContext(userData, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      ignoreHTTPSErrors: true,
      acceptDownloads: true,
      locale: 'fr-FR',
      timezoneId: 'Europe/Paris',
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    // Refused requests (a 401 before a refresh, a 404) are the app's to handle, not problems.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        pageProblems.push(message.text());
      }
    });
    page.on('pageerror', (error) => pageProblems.push(error.message));
  });

  afterAll(async () => {
    await context?.close();
    await patients?.close();
    rmSync(userData, { recursive: true, force: true });
  });

  const portal = (path = '') => `${bed.gateway.baseUrl}/portal/${path}`;

  /** axe-core's violations on the page as it is (the PDF viewer's own frame left out). */
  const violations = async (): Promise<AxeViolation[]> => {
    // Evaluated through the DevTools protocol: the page's CSP forbids the inline <script> that
    // addScriptTag would write, and stays in force for the portal's own code.
    if (!(await page.evaluate<boolean>('typeof window.axe === "object"'))) {
      await page.evaluate(AXE);
    }
    return page.evaluate<AxeViolation[]>(
      `axe.run(document, { iframes: false, resultTypes: ['violations'] }).then((result) =>
        result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.map((node) => node.target.join(' ')) })))`,
    );
  };

  /** A page seen: no accessibility violation, no script error or CSP refusal, a screenshot. */
  const checkPage = async (name: string) => {
    await page.locator('.chargement').waitFor({ state: 'detached' });
    expect({ page: name, violations: await violations() }).toEqual({ page: name, violations: [] });
    expect({ page: name, problems: pageProblems.splice(0) }).toEqual({ page: name, problems: [] });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };

  const focusedId = () => page.evaluate<string>('document.activeElement?.id ?? ""');

  /** The newest one-time code sent to this address after `before` codes. */
  const nextCode = async (email: string, kind: string, before: number): Promise<string> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const codes = outboxMessages(outbox).filter((m) => m.to === email && m.kind === kind);
      if (codes.length > before && codes.at(-1)?.code) return codes.at(-1)!.code!;
      if (Date.now() > deadline) throw new Error(`No ${kind} sent to ${email}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const codesSent = (email: string, kind: string) =>
    outboxMessages(outbox).filter((m) => m.to === email && m.kind === kind).length;

  /** From the portal's login page: the gateway's forms, the code from the outbox, back. */
  const logIn = async (email: string) => {
    const before = codesSent(email, 'one-time-code');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByLabel('Identifiant').fill(email);
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.getByLabel('Code reçu').fill(await nextCode(email, 'one-time-code', before));
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { level: 1, name: 'Mes documents' }).waitFor();
  };

  /** ITI-65 by the hospital: a PDF consultation report, by a professional not in these tests. */
  const provideReport = async (record: DmpRecord, pdf: Buffer): Promise<string> => {
    const author: Practitioner = {
      resourceType: 'Practitioner',
      id: 'author',
      identifier: [{ system: 'urn:oid:1.2.250.1.71.4.2.1', value: ABSENT_AUTHOR }],
      name: [{ family: 'ROUSSEAU', given: ['Hélène'], prefix: ['Dr'] }],
    };
    const bundle = provideBundle(record.token, [
      {
        title: 'Compte rendu de consultation de cardiologie',
        content: pdf,
        mimeType: 'application/pdf',
        classCode: '10',
        authorId: ABSENT_AUTHOR,
      },
    ]);
    for (const entry of bundle.entry ?? []) {
      const resource = entry.resource as DocumentReference;
      if (resource.resourceType === 'DocumentReference') {
        resource.contained = [author];
        resource.type = {
          coding: [
            {
              system: 'http://loinc.org',
              code: '11488-4',
              display: 'Compte rendu de consultation',
            },
          ],
        };
      }
    }
    const answer = await bed.call('hopital-org', 'POST', '', bundle);
    expect(answer.status).toBe(200);
    const location = (answer.body.entry ?? [])
      .map((entry) => entry.response?.location ?? '')
      .find((l) => l.startsWith('DocumentReference/'));
    return location!.slice('DocumentReference/'.length);
  };

  /** ITI-41 by the hospital, as its software sends it: the CLI's `push --xds` of a CDA. */
  const provideDischargeLetter = async (record: DmpRecord) => {
    const file = join(outbox, '..', `ldl-ses-${randomBytes(4).toString('hex')}.xml`);
    writeFileSync(
      file,
      readFileSync(DISCHARGE_LETTER, 'utf8')
        .replace('extension="252096345678947"', `extension="${record.nir}"`)
        .replace(/<id root="1\.2\.250\.1\.999\.[0-9.]+"/, `<id root="${freshOid()}"`),
    );
    const persona = bed.gateway.pki.personas['hopital-org'];
    const child = spawn(
      process.execPath,
      [
        CLI,
        'push',
        file,
        '--xds',
        '--source-id',
        '1.2.250.1.999.7',
        '--json',
        '--server',
        bed.gateway.baseUrl,
        '--cert',
        persona.certPath,
        '--key',
        persona.keyPath,
        '--ca',
        bed.gateway.pki.caPath,
      ],
      { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
    rmSync(file, { force: true });
    expect({ status, output }).toEqual({ status: 0, output: expect.stringContaining('pushed') });
    const pushed = JSON.parse(output) as { pushed: { documentId: string }[] };
    return pushed.pushed[0].documentId;
  };

  const idsFoundBy = async (persona: string, record: DmpRecord) => {
    const answer = await bed.search(persona, record);
    expect(answer.status).toBe(200);
    return ((answer.body as Bundle).entry ?? []).map((entry) => entry.resource?.id);
  };

  it('serves the built portal under /portal without a client certificate, with its CSP and caching', async () => {
    const get = (path: string) =>
      undiciFetch(`${bed.gateway.baseUrl}${path}`, { dispatcher: anonymous, redirect: 'manual' });
    const index = await get('/portal/');
    expect(index.status).toBe(200);
    const html = await index.text();
    expect(html).toContain('<html lang="fr">');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain('frame-src blob:');
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    const script = /src="(\/portal\/assets\/[^"]+\.js)"/.exec(html)![1];
    const asset = await get(script);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const route = await get('/portal/historique');
    expect({ status: route.status, html: await route.text() }).toEqual({ status: 200, html });
    expect((await get('/portal/callback?code=x&state=y')).status).toBe(200);
    expect((await get('/portal')).headers.get('location')).toBe('/portal/');
    expect((await get('/portal/assets/absent.js')).status).toBe(404);
  });

  it('enrols, logs in, reads, hides, blocks, follows the history, exports, expires and logs out', async () => {
    const email = `portail-${Date.now()}@example.org`;
    const record = await channel.openRecord(email);
    const pdf = aPdf(['Compte rendu de consultation', 'Cardiologie - Centre Hospitalier de Test']);
    const reportId = await provideReport(record, pdf);
    const letterId = await provideDischargeLetter(record);
    expect((await idsFoundBy('medecin-generaliste', record)).sort()).toEqual(
      [reportId, letterId].sort(),
    );

    // Enrolment, from the portal's login page, with the activation code of the file channel.
    await page.goto(portal());
    await page.getByRole('heading', { level: 1, name: /Connexion/ }).waitFor();
    await checkPage('connexion');
    await page.getByRole('link', { name: /activer votre compte/ }).click();
    await page.getByLabel('Identifiant').fill(email);
    await page.getByLabel('Code d’activation').fill(await nextCode(email, 'activation-code', 0));
    await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Confirmez le mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Activer mon compte' }).click();
    await page.getByText('Votre compte est activé').waitFor();
    await page.getByRole('link', { name: 'Aller au portail patient' }).click();
    await logIn(email);

    // Documents: both, by category, newest first, not yet opened.
    const list = page.getByRole('main');
    await list.getByText('2 documents, dont 2 nouveaux').waitFor();
    const reportLink = page.getByRole('link', {
      name: /Compte rendu de consultation de cardiologie/,
    });
    const letterLink = page.getByRole('link', { name: /Lettre de liaison à la sortie/ });
    expect(await reportLink.textContent()).toContain('(nouveau)');
    expect(await letterLink.textContent()).toContain('(nouveau)');
    expect(await page.getByRole('heading', { level: 2 }).allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Comptes rendus/)]),
    );
    await checkPage('documents');

    // Keyboard: the skip link comes first and leads to the content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement?.textContent ?? ""')).toBe(
      'Aller au contenu',
    );

    // The PDF, in the browser's viewer; focus moves to the page's heading.
    await reportLink.click();
    await page.getByRole('heading', { level: 1, name: /Compte rendu de consultation/ }).waitFor();
    expect(await focusedId()).toBe('titre-page');
    const frame = page.locator('iframe.visionneuse-pdf');
    expect(await frame.getAttribute('src')).toMatch(/^blob:https:\/\/localhost:/);
    await page.waitForTimeout(1000);
    await checkPage('document-pdf');

    // The CDA, read into the page: its header and its sections.
    await page.getByRole('link', { name: 'Retour à mes documents' }).first().click();
    expect(await reportLink.textContent()).not.toContain('(nouveau)');
    await letterLink.click();
    const cda = page.locator('article.cda');
    await cda.waitFor();
    const cdaText = await cda.innerText();
    expect(cdaText).toContain('Anne Marie DUMONT');
    expect(cdaText).toContain('Dr Karim BENALI');
    expect(cdaText).toContain('Centre Hospitalier de Test');
    expect(cdaText).toContain('18 avril 2024');
    expect(cdaText).toContain('Traitements à la sortie');
    expect(cdaText).toContain('Bisoprolol 2,5 mg');
    await checkPage('document-cda');

    // Hide the PDF from professionals: the médecin no longer finds it, the patient still does.
    await page.getByRole('link', { name: 'Retour à mes documents' }).first().click();
    await reportLink.click();
    await page.getByRole('button', { name: 'Masquer aux professionnels' }).click();
    await page
      .getByRole('status')
      .getByText('Le document est masqué aux professionnels.')
      .waitFor();
    await page.getByRole('button', { name: 'Rendre visible aux professionnels' }).waitFor();
    expect(await idsFoundBy('medecin-generaliste', record)).toEqual([letterId]);
    await page.getByRole('link', { name: 'Retour à mes documents' }).first().click();
    await page.getByText('Masqué aux professionnels').waitFor();

    // Block the médecin: his next search is refused (403 BLOCKED), and audited.
    await page.getByRole('link', { name: 'Qui peut voir mon dossier' }).click();
    await page.getByRole('heading', { level: 1, name: 'Qui peut voir mon dossier' }).waitFor();
    expect(await focusedId()).toBe('titre-page');
    const medecin = page.getByRole('listitem').filter({ hasText: IDNAT.medecin });
    await checkPage('acces');
    await medecin
      .first()
      .getByRole('button', { name: /^Bloquer/ })
      .click();
    await page
      .getByRole('status')
      .getByText(/est bloqué/)
      .waitFor();
    await page
      .getByRole('region', { name: 'Professionnels et structures bloqués' })
      .getByRole('listitem')
      .filter({ hasText: IDNAT.medecin })
      .getByRole('button', { name: /^Débloquer/ })
      .waitFor();
    await bed.expectRefused(await bed.search('medecin-generaliste', record), 'BLOCKED', record);

    // Grant access through the directory: the pharmacien, refused before, is let in.
    await bed.expectRefused(await bed.search('pharmacien', record), 'NO_AUTHORISATION', record);
    await page.getByLabel('Nom ou numéro RPPS').fill('durand');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    const durand = page
      .getByRole('region', { name: 'Autoriser un professionnel ou une structure' })
      .getByRole('listitem')
      .filter({ hasText: IDNAT.pharmacien });
    expect(await durand.innerText()).toMatch(/Paul DURAND[^]*Pharmacien[^]*PHARMACIE DURAND/);
    await durand.getByRole('button', { name: /^Autoriser/ }).click();
    await page.getByRole('status').getByText('Paul DURAND peut désormais consulter').waitFor();
    expect((await bed.search('pharmacien', record)).status).toBe(200);
    await page
      .getByRole('region', { name: 'Professionnels et structures autorisés' })
      .getByRole('button', { name: 'Retirer l’autorisation de Paul DURAND' })
      .waitFor();

    // Emergency consents: no access for centre 15 any more.
    await page.getByLabel(/centre 15/).uncheck();
    await page.getByRole('button', { name: 'Enregistrer mes choix' }).click();
    await page
      .getByRole('status')
      .getByText(/accès en urgence sont enregistrés/)
      .waitFor();
    expect((await bed.patient.snapshot(record)).record[0].emergency_consents).toMatchObject({
      centre15: false,
      otherProfessionals: true,
      maskedDocuments: true,
    });

    // The history names the médecin's refused attempt, and why.
    await page.getByRole('link', { name: 'Historique des accès' }).click();
    const refused = page
      .getByRole('listitem')
      .filter({ hasText: 'accès refusé : professionnel bloqué par vous' });
    await refused.first().waitFor();
    expect(await refused.first().innerText()).toMatch(/MARTIN/);
    await checkPage('historique');

    // Everything, as one ZIP: both documents as stored, and the manifest.
    await page.getByRole('link', { name: 'Mes documents' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tout télécharger (archive ZIP)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('mon-dossier-medical.zip');
    const files = unzipSync(new Uint8Array(readFileSync(await download.path())));
    const manifest = JSON.parse(Buffer.from(files['manifest.json']).toString('utf8')) as {
      files: { path: string; documentReference: string }[];
    };
    expect(manifest.files.map((file) => file.documentReference).sort()).toEqual(
      [reportId, letterId].sort(),
    );
    const reportPath = manifest.files.find((file) => file.documentReference === reportId)!;
    expect(Buffer.from(files[reportPath.path]).equals(pdf)).toBe(true);

    await page.getByRole('link', { name: 'Paramètres' }).click();
    await page.getByRole('heading', { level: 2, name: 'Notifications' }).waitFor();
    await checkPage('parametres');

    // On a phone: one column, nothing lost.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Mes documents' }).click();
    await page.getByText('2 documents').waitFor();
    await checkPage('documents-telephone');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Delete the letter, after the confirmation dialog: gone from his list and from the record.
    await letterLink.click();
    await page.getByRole('button', { name: 'Supprimer' }).click();
    const dialog = page.getByRole('dialog', { name: 'Supprimer ce document ?' });
    await dialog.waitFor();
    await checkPage('suppression');
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Supprimer' }).click();
    await dialog.getByRole('button', { name: 'Supprimer définitivement' }).click();
    await page
      .getByRole('status')
      .getByText(/a été supprimé/)
      .waitFor();
    await page.getByText('1 document', { exact: true }).waitFor();
    const { accessToken } = JSON.parse(
      await page.evaluate<string>('sessionStorage.getItem("passerelle-portal:session")'),
    ) as { accessToken: string };
    const remaining = (await (
      await channel.fhir(
        accessToken,
        'GET',
        `/DocumentReference?patient=Patient/${record.resourceId}`,
      )
    ).json()) as Bundle;
    expect((remaining.entry ?? []).map((entry) => entry.resource?.id)).toEqual([reportId]);

    // The grant ends (revoked elsewhere): the next request brings the login page, saying why.
    const stored = JSON.parse(
      await page.evaluate<string>('sessionStorage.getItem("passerelle-portal:session")'),
    ) as { refreshToken: string };
    const revoked = await undiciFetch(`${bed.gateway.baseUrl}/oidc/token/revocation`, {
      method: 'POST',
      dispatcher: anonymous,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: stored.refreshToken, client_id: 'passerelle-portal' }),
    });
    expect(revoked.status).toBe(200);
    await page.getByRole('link', { name: 'Historique des accès' }).click();
    await page.getByRole('alert').getByText('Votre session a expiré').waitFor();
    await checkPage('session-expiree');

    // Logout: the refresh token revoked, the provider's session ended, back on the portal.
    await logIn(email);
    const session = JSON.parse(
      await page.evaluate<string>('sessionStorage.getItem("passerelle-portal:session")'),
    ) as { accessToken: string };
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL(/\/oidc\/session\/end/);
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByRole('status').getByText('Vous êtes déconnecté.').waitFor();
    const after = await channel.fhir(session.accessToken, 'GET', `/Patient/${record.resourceId}`);
    expect(after.status).toBe(401);
  });
});
