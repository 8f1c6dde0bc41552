import type { Binary, Bundle, DocumentReference, FhirResource } from 'fhir/r4';
import { DomainError } from '@passerelle/domain';
import { folderList, freshPatient, provideBundle } from '@passerelle/testing';
import { ProvideRequest, provideRequestFrom } from './provide-bundle';

const patient = freshPatient();

function bundleOf(documents = 1): Bundle<FhirResource> {
  return provideBundle(
    patient.token,
    Array.from({ length: documents }, () => ({})),
  );
}

/** What a bundle is refused for: at once, or as the problems its draft carries. */
function codesOf(action: () => ProvideRequest): string[] {
  try {
    return (action().draft.problems ?? []).map((p) => p.code);
  } catch (error) {
    return (error as DomainError).details.map((d) => d.code);
  }
}

describe('ITI-65 bundle → submission draft', () => {
  it('maps a SubmissionSet, its DocumentReferences and their Binaries', () => {
    const request = provideRequestFrom(bundleOf(2));
    expect(request.draft.documents).toHaveLength(2);
    expect(request.draft.documents[0].content).toBeInstanceOf(Buffer);
    expect(request.entries.map((e) => e.kind)).toEqual([
      'submissionset',
      'document',
      'binary',
      'document',
      'binary',
    ]);
  });

  it('reads base64 wrapped on several lines and refuses invalid base64', () => {
    const bundle = bundleOf();
    const binary = bundle.entry![2].resource as Binary;
    const expected = Buffer.from(binary.data!, 'base64');
    binary.data = binary.data!.replace(/(.{8})/g, '$1\n');
    expect(provideRequestFrom(bundle).draft.documents[0].content).toEqual(expected);
    binary.data = 'not*base64';
    expect(codesOf(() => provideRequestFrom(bundle))).toEqual(['METADATA_INVALID']);
  });

  it('reports a DocumentReference without its Binary and a Binary without DocumentReference', () => {
    const missingBinary = bundleOf();
    missingBinary.entry!.splice(2, 1);
    expect(codesOf(() => provideRequestFrom(missingBinary))).toEqual(['MISSING_DOCUMENT']);

    const orphan = bundleOf();
    orphan.entry!.push({
      fullUrl: 'urn:uuid:0a0a0a0a-0000-4000-8000-000000000000',
      resource: { resourceType: 'Binary', contentType: 'text/plain', data: 'QQ==' },
      request: { method: 'POST', url: 'Binary' },
    });
    expect(codesOf(() => provideRequestFrom(orphan))).toEqual(['MISSING_DOCUMENT_METADATA']);
  });

  it('translates every entry and carries each problem, none twice and none as a consequence', () => {
    const bundle = bundleOf(3);
    const [, first, , second, secondBinary] = bundle.entry!;
    const firstDocument = first.resource as DocumentReference;
    firstDocument.subject = { reference: 'Patient?name=someone' };
    firstDocument.content[0].attachment.hash = 'bm90IGEgU0hBLTE=';
    second.request = { method: 'DELETE', url: 'DocumentReference/x' };
    (secondBinary.resource as Binary).data = 'not*base64';
    bundle.entry!.push({
      fullUrl: 'urn:uuid:0b0b0b0b-0000-4000-8000-000000000000',
      resource: { resourceType: 'Patient' },
      request: { method: 'POST', url: 'Patient' },
    });
    const problems = provideRequestFrom(bundle).draft.problems!;
    expect(problems.map((p) => [p.code, p.location])).toEqual([
      ['METADATA_INVALID', secondBinary.fullUrl],
      ['UNRESOLVED_REFERENCE', first.fullUrl],
      ['METADATA_INVALID', first.fullUrl],
      ['INVALID_RESOURCE', second.fullUrl],
      ['INVALID_RESOURCE', 'urn:uuid:0b0b0b0b-0000-4000-8000-000000000000'],
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      'Binary.data is not valid base64',
      expect.stringContaining('Patient?name=someone'),
      'attachment.hash must be the base64 SHA-1 of the content',
      'Bundle.entry.request.method must be POST',
      expect.stringContaining('not Patient'),
    ]);
  });

  describe('Bundle.meta.profile', () => {
    const withProfiles = (...profile: string[]) => ({ ...bundleOf(), meta: { profile } });
    const refusal = (bundle: unknown) => {
      try {
        provideRequestFrom(bundle);
      } catch (error) {
        return error as DomainError;
      }
      throw new Error('expected a refusal');
    };

    it.each([
      ['none', []],
      [
        'MHD Comprehensive',
        [
          'https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Comprehensive.ProvideBundle',
        ],
      ],
      [
        'a versioned one',
        [
          'https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Comprehensive.ProvideBundle|4.2.1',
        ],
      ],
      [
        'PDSm',
        [
          'https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/pdsm-comprehensive-provide-document-bundle',
        ],
      ],
      [
        'a served one beside a local one',
        [
          'urn:local:bundle',
          'https://profiles.ihe.net/ITI/MHD/StructureDefinition/IHE.MHD.Minimal.ProvideBundle',
        ],
      ],
    ])('accepts %s', (_case, profiles) => {
      expect(provideRequestFrom(withProfiles(...profiles)).draft.documents).toHaveLength(1);
    });

    it('refuses a retired MHD 3.x profile, naming the one to send (422 not-supported)', () => {
      const error = refusal(
        withProfiles(
          'http://ihe.net/fhir/StructureDefinition/IHE_MHD_Provide_Comprehensive_DocumentBundle',
        ),
      );
      expect(error.code).toBe('UNSUPPORTED_PROFILE');
      expect(error.catalogue).toMatchObject({ httpStatus: 422, fhirIssueCode: 'not-supported' });
      expect(error.message).toMatch(/is retired \(MHD 3.x\); send https:\/\/profiles.ihe.net/);
    });

    it('refuses profiles none of which is served', () => {
      expect(refusal(withProfiles('urn:local:bundle')).message).toMatch(
        /names no ITI-65 profile served here \(urn:local:bundle\)/,
      );
    });
  });

  it('requires exactly one SubmissionSet and a transaction Bundle', () => {
    const twoSets = bundleOf();
    twoSets.entry!.push({
      ...twoSets.entry![0],
      fullUrl: 'urn:uuid:1b1b1b1b-0000-4000-8000-000000000000',
    });
    expect(codesOf(() => provideRequestFrom(twoSets))).toEqual(['METADATA_MISSING']);
    expect(codesOf(() => provideRequestFrom({ ...bundleOf(), type: 'batch' }))).toEqual([
      'INVALID_RESOURCE',
    ]);
    expect(codesOf(() => provideRequestFrom('text'))).toEqual(['MALFORMED_REQUEST']);
  });

  it('accepts a PATCH to superseded only for a document the bundle replaces', () => {
    const bundle = provideBundle(patient.token, [
      { replaces: '5a5a5a5a-0000-4000-8000-000000000000' },
    ]);
    const patch = {
      fullUrl: 'urn:uuid:2c2c2c2c-0000-4000-8000-000000000000',
      request: {
        method: 'PATCH' as const,
        url: 'DocumentReference/5a5a5a5a-0000-4000-8000-000000000000',
      },
      resource: {
        resourceType: 'Parameters' as const,
        parameter: [
          {
            name: 'operation',
            part: [
              { name: 'type', valueCode: 'replace' },
              { name: 'path', valueString: 'DocumentReference.status' },
              { name: 'value', valueCode: 'superseded' },
            ],
          },
        ],
      },
    };
    bundle.entry!.push(patch);
    expect(provideRequestFrom(bundle).entries.at(-1)).toEqual({
      kind: 'supersede',
      logicalId: 'urn:uuid:5a5a5a5a-0000-4000-8000-000000000000',
    });

    (bundle.entry![1].resource as DocumentReference).relatesTo = undefined;
    expect(codesOf(() => provideRequestFrom(bundle))).toEqual(['UNSUPPORTED_OPERATION']);
  });

  describe('an update (PUT) of a registered Folder List', () => {
    const FOLDER_ID = '6a1f1c9e-2b4d-4c8e-9a1f-5d6e7f809a1b';

    const withFolderUpdate = (
      members: (bundle: Bundle<FhirResource>) => string[],
      request: { method: 'PUT'; url: string } = { method: 'PUT', url: `List/${FOLDER_ID}` },
      token = patient.token,
    ) => {
      const bundle = bundleOf();
      const folder = { ...folderList(token, members(bundle)), id: FOLDER_ID };
      bundle.entry!.push({ fullUrl: `List/${FOLDER_ID}`, resource: folder, request });
      return bundle;
    };
    const documentUrl = (bundle: Bundle<FhirResource>) => [bundle.entry![1].fullUrl!];

    it('adds the bundle DocumentReference and keeps registered ones, each a HasMember from the Folder', () => {
      const request = provideRequestFrom(
        withFolderUpdate((bundle) => ['DocumentReference/kept-1', ...documentUrl(bundle)]),
      );
      const source = { existingFolderUuid: `urn:uuid:${FOLDER_ID}` };
      expect(request.draft.associations).toEqual([
        { type: 'HasMember', source, target: { existingLogicalId: 'urn:uuid:kept-1' } },
        { type: 'HasMember', source, target: { ref: request.draft.documents[0].ref } },
      ]);
      expect(request.draft.folders).toEqual([]);
      expect(request.entries.at(-1)).toEqual({ kind: 'folder-update', folderId: FOLDER_ID });
    });

    it("reads the IHE example's bare List URL with the id in the resource", () => {
      const bundle = withFolderUpdate(documentUrl, { method: 'PUT', url: 'List' });
      expect(provideRequestFrom(bundle).entries.at(-1)).toEqual({
        kind: 'folder-update',
        folderId: FOLDER_ID,
      });
    });

    it('refuses a PUT of anything but a Folder List, a Folder of another patient and an unknown entry', () => {
      const notAFolder = bundleOf();
      notAFolder.entry![1].request = { method: 'PUT', url: 'DocumentReference/x' };
      expect(codesOf(() => provideRequestFrom(notAFolder))).toEqual(['UNSUPPORTED_OPERATION']);
      const elsewhere = withFolderUpdate(documentUrl, undefined, freshPatient().token);
      expect(codesOf(() => provideRequestFrom(elsewhere))).toEqual(['PATIENT_ID_MISMATCH']);
      const unknown = withFolderUpdate(() => ['Binary/x']);
      expect(codesOf(() => provideRequestFrom(unknown))).toEqual(['UNRESOLVED_REFERENCE']);
    });
  });
});
