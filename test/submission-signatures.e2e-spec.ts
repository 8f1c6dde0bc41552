import type { Bundle, DocumentReference, OperationOutcome } from 'fhir/r4';
import { readFileSync } from 'node:fs';
import { DSG_DETACHED_FORMAT_CODE } from '@passerelle/domain';
import { type IssuedCertificate, createRootCa, issueCertificate } from '@passerelle/platform';
import { type XdsPatient, freshXdsPatient, provideBundle } from '@passerelle/testing';
import { NS, type XmlElement, childOf, childrenOf } from '@passerelle/xds';
import {
  type SubmittedFile,
  aDocument,
  identityOf,
  personaIdentity,
  provideFiles,
  signatureOver,
} from './support/signed-submissions';
import type { FhirClient } from './support/test-gateway';
import { TestGateway, startTestGateway } from './support/test-gateway';
import { errorCodesOf, errorContextsOf, postSoap, statusOf } from './support/xds-client';
import { findDocumentsQuery } from './support/xds-fixtures';

type HttpError = { response: { status: number; data: OperationOutcome } };

const DAY = 24 * 60 * 60 * 1000;

/** The dev PKI's hospital: its service name and organisation, as the signer's name. */
const hospitalSignerName = 'Service Imagerie (Centre Hospitalier de Test)';
const SIGNER_NAME = `urn:passerelle:dsg:signerName=${hospitalSignerName}`;

function slotValue(slot: XmlElement): string | undefined {
  return childOf(childOf(slot, NS.rim, 'ValueList')!, NS.rim, 'Value')?.text;
}
const DSG_FORMAT = { system: 'urn:oid:1.3.6.1.4.1.19376.1.2.3', code: DSG_DETACHED_FORMAT_CODE };

describe('signed submission sets (IHE DSG) over mutual TLS on PostgreSQL, SIGNATURE_POLICY=required', () => {
  let gateway: TestGateway;
  let doctor: FhirClient;
  let hospital: FhirClient;
  let devCa: IssuedCertificate;

  beforeAll(async () => {
    gateway = await startTestGateway({ SIGNATURE_POLICY: 'required' });
    doctor = gateway.fhir('medecin-generaliste');
    hospital = gateway.fhir('hopital-org');
    devCa = {
      certPem: readFileSync(gateway.pki.caPath, 'utf8'),
      keyPem: readFileSync(gateway.pki.caKeyPath, 'utf8'),
    };
  });

  afterAll(() => gateway.close());

  async function patientWithRecord(): Promise<XdsPatient> {
    const patient = freshXdsPatient();
    const [system, value] = patient.token.split('|');
    await doctor.create({
      resourceType: 'Patient',
      body: { resourceType: 'Patient', identifier: [{ system, value }] },
    });
    return patient;
  }

  async function storedCount(patient: XdsPatient): Promise<number | undefined> {
    const found = (await doctor.search({
      resourceType: 'DocumentReference',
      searchParams: { 'patient.identifier': patient.token },
    })) as unknown as Bundle;
    return found.total;
  }

  const signedByHospital = async (files: readonly SubmittedFile[]) =>
    signatureOver(files, personaIdentity(gateway.pki, 'hopital-org'));

  async function provide(patient: XdsPatient, files: readonly SubmittedFile[]) {
    const answer = await postSoap(gateway, 'repository', provideFiles(patient, files));
    return answer.body;
  }

  async function expectRefused(
    patient: XdsPatient,
    files: readonly SubmittedFile[],
    reason: RegExp,
  ) {
    const response = await provide(patient, files);
    expect(statusOf(response)).toBe('Failure');
    expect(errorCodesOf(response)).toEqual(['XDSRegistryMetadataError']);
    expect(errorContextsOf(response)[0]).toMatch(reason);
    expect(await storedCount(patient)).toBe(0);
  }

  describe('ITI-41', () => {
    it('stores a submission signed with the sender’s certificate, each document naming its signer in ITI-18 and MHD', async () => {
      const patient = await patientWithRecord();
      const documents = [aDocument(), aDocument()];
      const response = await provide(patient, [...documents, await signedByHospital(documents)]);
      expect(statusOf(response)).toBe('Success');
      expect(await storedCount(patient)).toBe(3);

      const found = await postSoap(
        gateway,
        'registry',
        findDocumentsQuery(patient.cx),
        'medecin-generaliste',
      );
      const list = childOf(found.body, NS.rim, 'RegistryObjectList')!;
      const signers = childrenOf(list, NS.rim, 'ExtrinsicObject').map((entry) =>
        childrenOf(entry, NS.rim, 'Slot')
          .filter((slot) => slot.attributes.name.startsWith('urn:passerelle:dsg:'))
          .map((slot) => `${slot.attributes.name}=${slotValue(slot)}`),
      );
      expect(signers.filter((slots) => slots.length > 0)).toEqual([
        [SIGNER_NAME, expect.stringMatching(/^urn:passerelle:dsg:signerSubject=.*OU=/)],
        [SIGNER_NAME, expect.stringMatching(/^urn:passerelle:dsg:signerSubject=.*OU=/)],
      ]);

      const references = (await doctor.search({
        resourceType: 'DocumentReference',
        searchParams: { 'patient.identifier': patient.token },
      })) as unknown as Bundle<DocumentReference>;
      const signedBy = references.entry!.flatMap(({ resource }) =>
        (resource!.extension ?? []).filter((extension) => extension.url.endsWith('dsg-signed-by')),
      );
      expect(signedBy).toHaveLength(2);
      expect(signedBy[0].extension?.[0]).toEqual({ url: 'name', valueString: hospitalSignerName });
    });

    it('refuses an unsigned submission: the policy requires a signature', async () => {
      const patient = await patientWithRecord();
      await expectRefused(patient, [aDocument()], /must carry an IHE DSG signature document/);
    });

    it('refuses a document changed after signing, storing nothing', async () => {
      const patient = await patientWithRecord();
      const document = aDocument();
      const signature = await signedByHospital([document]);
      const altered = { ...document, bytes: Buffer.from('altered after signing') };
      await expectRefused(patient, [altered, signature], /differs from the document's bytes/);
    });

    it('refuses a manifest changed after signing', async () => {
      const patient = await patientWithRecord();
      const [document, other] = [aDocument(), aDocument()];
      const signature = await signedByHospital([document]);
      const forged = signature.bytes
        .toString()
        .replace(`urn:oid:${document.uniqueId}`, `urn:oid:${other.uniqueId}`);
      await expectRefused(
        patient,
        [other, { ...signature, bytes: Buffer.from(forged) }],
        /does not verify/,
      );
    });

    it('refuses a signer whose certificate does not chain to TRUSTED_CA', async () => {
      const patient = await patientWithRecord();
      const stranger = createRootCa('Untrusted signing CA');
      const outsider = issueCertificate(stranger, {
        subject: [[{ type: 'CN', value: 'Outsider' }]],
        kind: 'client',
      });
      const document = aDocument();
      const signature = await signatureOver([document], identityOf(outsider));
      await expectRefused(patient, [document, signature], /does not lead to a trusted CA/);
    });

    it('refuses a signer whose certificate has expired', async () => {
      const patient = await patientWithRecord();
      const expired = issueCertificate(devCa, {
        subject: [[{ type: 'CN', value: 'Expired signer' }]],
        kind: 'client',
        notBefore: new Date(Date.now() - 30 * DAY),
        notAfter: new Date(Date.now() - DAY),
      });
      const document = aDocument();
      const signature = await signatureOver([document], identityOf(expired));
      await expectRefused(patient, [document, signature], /not valid now/);
    });

    it('refuses a manifest naming a document the submission does not carry', async () => {
      const patient = await patientWithRecord();
      const [document, absent] = [aDocument(), aDocument()];
      const signature = await signedByHospital([document, absent]);
      await expectRefused(patient, [document, signature], /which is no document of the submission/);
    });

    it('refuses a signature document with a DTD', async () => {
      const patient = await patientWithRecord();
      const document = aDocument();
      const signature = await signedByHospital([document]);
      const withDtd = signature.bytes
        .toString()
        .replace(
          '<ds:Signature',
          '<!DOCTYPE ds:Signature [<!ENTITY x SYSTEM "file:///etc/passwd">]><ds:Signature',
        );
      await expectRefused(
        patient,
        [document, { ...signature, bytes: Buffer.from(withDtd) }],
        /DOCTYPE/,
      );
    });
  });

  describe('ITI-65', () => {
    const signedBundle = async (patient: XdsPatient, tamper = false) => {
      const document = aDocument();
      const signature = await signedByHospital([document]);
      return provideBundle(patient.token, [
        { uniqueId: document.uniqueId, content: tamper ? Buffer.from('altered') : document.bytes },
        {
          uniqueId: signature.uniqueId,
          content: signature.bytes,
          mimeType: 'text/xml',
          format: DSG_FORMAT,
        },
      ]);
    };

    it('stores a bundle whose signature holds', async () => {
      const patient = await patientWithRecord();
      await hospital.transaction({ body: await signedBundle(patient) });
      expect(await storedCount(patient)).toBe(2);
    });

    it('refuses a bundle whose document changed after signing: 422, nothing stored', async () => {
      const patient = await patientWithRecord();
      let refusal: HttpError['response'] | undefined;
      try {
        await hospital.transaction({ body: await signedBundle(patient, true) });
      } catch (error) {
        refusal = (error as HttpError).response;
      }
      expect(refusal?.status).toBe(422);
      expect(refusal?.data.issue[0].details?.coding?.[0].code).toBe('XDSRegistryMetadataError');
      expect(refusal?.data.issue[0].diagnostics).toMatch(/differs from the document's bytes/);
      expect(await storedCount(patient)).toBe(0);
    });

    it('requires no signature of an MHD bundle', async () => {
      const patient = await patientWithRecord();
      await hospital.transaction({ body: provideBundle(patient.token, [{}]) });
      expect(await storedCount(patient)).toBe(1);
    });
  });
});
