import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRootCa, issueCertificate, issueCrl, orgSubject } from './pki';
import { TrustedCrls } from './trusted-crls';

const ca = createRootCa('CRL Reload Test CA');
const client = issueCertificate(ca, {
  subject: orgSubject({
    serviceName: 'Imagerie',
    structureId: '1750000001',
    organisationName: 'CH',
  }),
  kind: 'client',
});
const serial = new X509Certificate(client.certPem).serialNumber;
const revokedSerials = (crls: TrustedCrls) =>
  crls.crls.flatMap((crl) => crl.entries.map((entry) => entry.serialNumber));

describe('TrustedCrls (CRL_FILES reloaded)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'passerelle-crls-'));
  const file = join(dir, 'ca.crl');
  let crls: TrustedCrls;

  let loggedErrors: jest.SpyInstance;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    loggedErrors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    writeFileSync(file, issueCrl(ca, []));
    crls = new TrustedCrls([file], 60_000);
  });

  afterEach(() => {
    crls.onModuleDestroy();
    jest.restoreAllMocks();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the files at start, in PEM for the TLS listeners', () => {
    expect(crls.crls).toHaveLength(1);
    expect(crls.pems[0]).toContain('-----BEGIN X509 CRL-----');
    expect(crls.generation).toBe(0);
  });

  it('takes a new CRL on reload, tells its listeners, and moves to a new generation', () => {
    const told: (readonly string[])[] = [];
    crls.onChange((pems) => told.push(pems));
    writeFileSync(file, issueCrl(ca, [serial]));

    expect(crls.reload()).toBe(true);
    expect(crls.generation).toBe(1);
    expect(revokedSerials(crls).map((s) => s.toUpperCase().replace(/^0+/, ''))).toEqual([
      serial.replace(/^0+/, ''),
    ]);
    expect(told).toEqual([crls.pems]);
  });

  it('keeps its generation when the content did not change', () => {
    expect(crls.reload()).toBe(false);
    expect(crls.generation).toBe(0);
  });

  it('keeps the lists in force when a file cannot be read or parsed, and says so', () => {
    const before = crls.crls;
    writeFileSync(file, '-----BEGIN X509 CRL-----\nbm90IGEgQ1JM\n-----END X509 CRL-----\n');
    expect(crls.reload()).toBe(false);
    writeFileSync(file, 'not a CRL');
    expect(crls.reload()).toBe(false);
    rmSync(file);
    expect(crls.reload()).toBe(false);
    expect(crls.crls).toBe(before);
    expect(loggedErrors).toHaveBeenCalledTimes(3);
  });

  it('notices a changed file by itself', async () => {
    // The watcher's first look at the file is asynchronous: change it only once it has looked.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    writeFileSync(file, issueCrl(ca, [serial]));
    const deadline = Date.now() + 10_000;
    while (crls.generation === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(crls.generation).toBe(1);
  });

  it('refuses at start a file it cannot read (the gateway does not boot on it)', () => {
    expect(() => new TrustedCrls([join(dir, 'absent.crl')], 60_000)).toThrow(/ENOENT/);
  });
});
