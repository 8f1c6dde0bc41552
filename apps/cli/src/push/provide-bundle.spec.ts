import { provideRequestFrom } from '@passerelle/mhd';
import { validateSubmission } from '@passerelle/registry';
import { createRootCa, issueCertificate } from '@passerelle/platform';
import { XadesSubmissionVerifier } from '@passerelle/signature';
import { X509Certificate, createHash } from 'node:crypto';
import { join } from 'node:path';
import { PushSettings, prepareDocument, submissionOf } from './prepare-document';
import { provideBundle } from './provide-bundle';
import { withSignature } from './sign-submission';

const CDA = join(__dirname, '../../../../fixtures/cda');
const SETTINGS: PushSettings = {
  overrides: {},
  uniqueIdRoot: '2.25',
  sourceId: '1.2.250.1.999.7',
  submitter: {
    institutions: [
      { name: 'Laboratoire de Test', id: '1690000000', assigningAuthority: '1.2.250.1.71.4.2.2' },
    ],
    roles: [],
    specialties: [],
    telecom: [],
  },
};

async function gatewayView(file: string) {
  const prepared = await prepareDocument(join(CDA, file), SETTINGS);
  const submission = submissionOf(prepared, SETTINGS);
  const request = provideRequestFrom(JSON.parse(JSON.stringify(provideBundle(submission))));
  return { prepared, submission, request, validated: validateSubmission(request.draft) };
}

describe('provideBundle (ITI-65, as the gateway reads it)', () => {
  it('carries every metadata of the lab report to the registry draft, unchanged', async () => {
    const { prepared, submission, request, validated } = await gatewayView(
      'written/CR-BIO_lab-report.xml',
    );
    const [document] = request.draft.documents;
    const sent = prepared.metadata;
    expect(document).toMatchObject({
      uniqueId: sent.uniqueId,
      title: sent.title,
      classCode: sent.classCode,
      typeCode: sent.typeCode,
      formatCode: sent.formatCode,
      confidentialityCodes: sent.confidentialityCodes,
      healthcareFacilityTypeCode: sent.healthcareFacilityTypeCode,
      practiceSettingCode: sent.practiceSettingCode,
      creationTime: sent.creationTime,
      serviceStartTime: sent.serviceStartTime,
      serviceStopTime: sent.serviceStopTime,
      languageCode: 'fr-FR',
      mimeType: 'text/xml',
      sourcePatientId: 'IPP-778812^^^&1.2.250.1.999.4.2&ISO',
      sourcePatientInfo: {
        family: 'MARCHAND',
        given: 'Lucas',
        birthDate: '1984-05-12',
        gender: 'male',
      },
      legalAuthenticator: { id: '810000000090', family: 'ROUSSEL', given: 'Hélène' },
      suppliedSize: prepared.content.length,
      suppliedHashSha1: createHash('sha1').update(prepared.content).digest('hex'),
      content: prepared.content,
    });
    expect(document.patientId?.equals(sent.patientId)).toBe(true);
    expect(document.authors).toEqual([
      {
        person: {
          id: '810000000090',
          assigningAuthority: '1.2.250.1.71.4.2.1',
          family: 'ROUSSEL',
          given: 'Hélène',
          prefix: 'Dr',
        },
        institutions: [
          {
            name: 'Laboratoire de Biologie Médicale de Test',
            id: '1690000000',
            assigningAuthority: '1.2.250.1.71.4.2.2',
          },
        ],
        roles: [],
        specialties: [
          { code: 'G15_21', codeSystem: '1.2.250.1.213.1.1.4.5', display: 'Pharmacien' },
        ],
        telecom: ['tel:0478000000'],
      },
    ]);
    expect(validated.submissionSet).toMatchObject({
      uniqueId: submission.submissionSet.uniqueId,
      sourceId: '1.2.250.1.999.7',
      contentTypeCode: { code: '07', codeSystem: '1.2.250.1.213.2.2' },
      authors: [SETTINGS.submitter],
    });
  });

  it('writes LOINC, confidentiality and IHE format codes with their FHIR URIs, others as urn:oid', async () => {
    const { submission } = await gatewayView('IMG_CR_IMG_2023.11_CDA-R2-Niveau-1.xml');
    const bundle = provideBundle(submission);
    const reference = bundle.entry?.find((e) => e.resource?.resourceType === 'DocumentReference')
      ?.resource as { type: unknown; category: unknown; content: { format: unknown }[] };
    expect(reference.type).toEqual({
      coding: [{ system: 'http://loinc.org', code: '18748-4', display: 'CR d’imagerie médicale' }],
    });
    expect(reference.category).toEqual([
      {
        coding: [
          { system: 'urn:oid:1.2.250.1.213.1.1.4.1', code: '31', display: 'Imagerie médicale' },
        ],
      },
    ]);
    expect(reference.content[0].format).toEqual({
      system: 'http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode',
      code: 'urn:ihe:iti:xds-sd:pdf:2008',
    });
  });

  it('is accepted for a discharge letter and a VSM as well', async () => {
    for (const file of [
      'written/LDL-SES_discharge-letter.xml',
      'written/VSM_patient-summary.xml',
    ]) {
      const { validated, prepared } = await gatewayView(file);
      expect(validated.documents[0].uniqueId).toBe(prepared.metadata.uniqueId);
    }
  });

  it('carries the signature document of a signed submission, which the gateway’s verifier accepts', async () => {
    const ca = createRootCa('CLI signing CA');
    const signer = issueCertificate(ca, {
      subject: [[{ type: 'CN', value: 'LIS' }]],
      kind: 'client',
    });
    const prepared = await prepareDocument(join(CDA, 'written/CR-BIO_lab-report.xml'), SETTINGS);
    const signed = await withSignature(submissionOf(prepared, SETTINGS), {
      certificates: [new X509Certificate(signer.certPem)],
      keyPem: signer.keyPem,
    });
    const request = provideRequestFrom(JSON.parse(JSON.stringify(provideBundle(signed))));
    const [document, signature] = request.draft.documents;
    expect(document.uniqueId).toBe(prepared.metadata.uniqueId);
    expect(signature).toMatchObject({
      formatCode: { code: 'urn:ihe:iti:dsg:detached:2014' },
      mimeType: 'text/xml',
      patientId: document.patientId,
    });
    const verifier = new XadesSubmissionVerifier([new X509Certificate(ca.certPem)]);
    const verified = await verifier.verify(
      {
        signature: signature.content!,
        documents: [{ uniqueId: document.uniqueId!, bytes: document.content! }],
      },
      new Date(),
    );
    expect(verified.name).toBe('LIS');
  });
});
