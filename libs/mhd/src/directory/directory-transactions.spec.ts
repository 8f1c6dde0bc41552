import type { Bundle, OperationOutcome, Practitioner, PractitionerRole } from 'fhir/r4';
import type { UseCaseResolver } from '@passerelle/audit';
import type { Principal } from '@passerelle/domain';
import { SearchDirectory, SearchStructures } from '@passerelle/record-management';
import { InMemoryPasserelle, aMedecin, aPatient, thePatientOf } from '@passerelle/testing';
import seedProfessionals from '../../../../fixtures/directory/seed-professionals.json';
import { capabilityStatement } from '../door/capability-statement';
import { failureReply } from '../door/fhir-errors';
import type { FhirReply, FhirTransaction } from '../door/fhir-transaction';
import { FHIR_TRANSACTIONS, route } from '../door/fhir-transactions';
import type { QueryParameters } from '../resources/search-parameters';
import { FIND_ORGANIZATIONS, FIND_PRACTITIONERS } from './directory-transactions';

const BASE_URL = 'https://dmp.example.fr/fhir';
const OPTIONS = { repositoryUniqueId: '1.2.250.1.999.1', maxPageSize: 500 };
const ID_NAT_PS = 'urn:oid:1.2.250.1.71.4.2.1';
const ID_NAT_STRUCT = 'urn:oid:1.2.250.1.71.4.2.2';
const G15 = 'urn:oid:1.2.250.1.71.1.2.7';

describe('the directory through the FHIR door: Practitioner and Organization searches', () => {
  const setUp = async () => {
    const passerelle = new InMemoryPasserelle();
    await passerelle.directory.upsert(seedProfessionals);
    const useCases = ((type: unknown) => {
      if (type === SearchDirectory) return passerelle.searchDirectory;
      if (type === SearchStructures) return passerelle.searchStructures;
      throw new Error('Only the directory’s use cases run here');
    }) as UseCaseResolver;
    const run = async (
      transaction: FhirTransaction,
      query: QueryParameters,
      actor: Principal = thePatientOf(aPatient()),
    ): Promise<FhirReply> => {
      const request = { params: {}, query, body: undefined, headers: {}, baseUrl: BASE_URL };
      try {
        const outcome = await transaction.handle(useCases, actor, request, OPTIONS);
        return outcome.ok ? outcome.value : failureReply(outcome.error);
      } catch (malformed) {
        return failureReply(malformed);
      }
    };
    return { passerelle, run };
  };

  const bundleOf = (reply: FhirReply) => {
    expect(reply.status).toBe(200);
    return reply.body as Bundle;
  };

  it('routes GET Practitioner and GET Organization to the directory', () => {
    expect(route('GET', 'Practitioner')).toMatchObject({ transaction: FIND_PRACTITIONERS });
    expect(route('GET', 'Organization')).toMatchObject({ transaction: FIND_ORGANIZATIONS });
  });

  it('writes a professional as a Practitioner: idNat_PS, name, profession and specialty', async () => {
    const { run } = await setUp();
    const bundle = bundleOf(await run(FIND_PRACTITIONERS, { name: 'mar' }));
    expect(bundle).toMatchObject({ type: 'searchset', total: 1 });
    expect(bundle.entry).toEqual([
      {
        fullUrl: `${BASE_URL}/Practitioner/810000000017`,
        search: { mode: 'match' },
        resource: {
          resourceType: 'Practitioner',
          id: '810000000017',
          identifier: [{ use: 'official', system: ID_NAT_PS, value: '810000000017' }],
          active: true,
          name: [{ family: 'MARTIN', given: ['Jeanne'] }],
          qualification: [
            { code: { coding: [{ system: G15, code: '10', display: 'Médecin' }] } },
            {
              code: {
                coding: [
                  {
                    system: 'urn:oid:1.2.250.1.71.4.2.5',
                    code: 'SM26',
                    display: 'Qualifié en Médecine Générale',
                  },
                ],
              },
            },
          ],
        },
      },
    ]);
  });

  it('writes a pharmacien’s section of the Ordre in the CI-SIS specialties, and no specialty when none', async () => {
    const { run } = await setUp();
    const [durand] = bundleOf(await run(FIND_PRACTITIONERS, { name: 'durand' })).entry!;
    expect((durand.resource as Practitioner).qualification![1].code.coding).toEqual([
      {
        system: 'urn:oid:1.2.250.1.213.1.1.4.5',
        code: 'G15_21/A',
        display: "Pharmacien titulaire d'officine",
      },
    ]);
    const [petit] = bundleOf(await run(FIND_PRACTITIONERS, { identifier: '0759912345' })).entry!;
    expect((petit.resource as Practitioner).qualification).toEqual([
      { code: { coding: [{ system: G15, code: '60', display: 'Infirmier' }] } },
    ]);
  });

  it('includes, with _include=Practitioner:role, the structures he practises in as PractitionerRoles', async () => {
    const { run } = await setUp();
    const bundle = bundleOf(
      await run(FIND_PRACTITIONERS, {
        identifier: `${ID_NAT_PS}|10000000017`,
        _include: 'Practitioner:role',
      }),
    );
    expect(bundle.total).toBe(1);
    expect(bundle.entry!.map((e) => e.search?.mode)).toEqual(['match', 'include']);
    expect(bundle.entry![1]).toEqual({
      fullUrl: `${BASE_URL}/PractitionerRole/810000000017-399999999900106`,
      search: { mode: 'include' },
      resource: {
        resourceType: 'PractitionerRole',
        id: '810000000017-399999999900106',
        active: true,
        practitioner: { reference: 'Practitioner/810000000017' },
        organization: {
          identifier: { system: ID_NAT_STRUCT, value: '399999999900106' },
          display: 'CABINET DU DR MARTIN (TEST)',
        },
      } satisfies PractitionerRole,
    });
    const without = bundleOf(await run(FIND_PRACTITIONERS, { identifier: '810000000017' }));
    expect(without.entry!.map((e) => e.resource!.resourceType)).toEqual(['Practitioner']);
  });

  it('names each structure once among his PractitionerRoles, by the exercise that names it', async () => {
    const { passerelle, run } = await setUp();
    await passerelle.directory.upsert([
      {
        idNat: '810000000090',
        family: 'ROUX',
        given: 'Hélène',
        professionCode: '60',
        exercises: [
          { structureId: '1990000090', sectorCode: 'SA01', role: 'FON-AU' },
          { structureId: '1990000090', structureName: 'CH TEST', role: 'FON-SA' },
          { structureId: '099990000900' },
        ],
      },
    ]);
    const bundle = bundleOf(
      await run(FIND_PRACTITIONERS, { name: 'helene', _include: 'Practitioner:role' }),
    );
    expect(
      bundle.entry!.slice(1).map((e) => (e.resource as PractitionerRole).organization),
    ).toEqual([
      { identifier: { system: ID_NAT_STRUCT, value: '1990000090' }, display: 'CH TEST' },
      { identifier: { system: ID_NAT_STRUCT, value: '099990000900' } },
    ]);
  });

  it('includes no PractitionerRole unless asked', async () => {
    const { run } = await setUp();
    const without = bundleOf(await run(FIND_PRACTITIONERS, { identifier: '810000000017' }));
    expect(without.entry!.map((e) => e.resource!.resourceType)).toEqual(['Practitioner']);
  });

  it('searches by profession (TRE_G15), pages 20 by default and 50 at most, with links', async () => {
    const { passerelle, run } = await setUp();
    await passerelle.directory.upsert(
      Array.from({ length: 70 }, (_, i) => ({
        idNat: `8300000${String(i).padStart(5, '0')}`,
        family: `INFIRMIER${String(i).padStart(2, '0')}`,
        given: 'Test',
        professionCode: '60',
        exercises: [],
      })),
    );
    const first = bundleOf(await run(FIND_PRACTITIONERS, { qualification: `${G15}|60` }));
    expect(first.total).toBe(71);
    expect(first.entry).toHaveLength(20);
    const large = bundleOf(await run(FIND_PRACTITIONERS, { qualification: '60', _count: '100' }));
    expect(large.entry).toHaveLength(50);
    expect(large.link!.find((l) => l.relation === 'next')!.url).toBe(
      `${BASE_URL}/Practitioner?qualification=60&_count=50&_offset=50`,
    );
  });

  it('writes the structures of the directory as Organizations: idNat_Struct, name, sector', async () => {
    const { run } = await setUp();
    const bundle = bundleOf(await run(FIND_ORGANIZATIONS, { name: 'pharmacie' }));
    expect(bundle.entry).toEqual([
      {
        fullUrl: `${BASE_URL}/Organization/1999900025`,
        search: { mode: 'match' },
        resource: {
          resourceType: 'Organization',
          id: '1999900025',
          identifier: [{ use: 'official', system: ID_NAT_STRUCT, value: '1999900025' }],
          active: true,
          type: [
            {
              coding: [
                {
                  system:
                    'https://mos.esante.gouv.fr/NOS/TRE_R02-SecteurActivite/FHIR/TRE-R02-SecteurActivite',
                  code: 'SA33',
                },
              ],
            },
          ],
          name: 'PHARMACIE DURAND (TEST)',
        },
      },
    ]);
    const byId = bundleOf(
      await run(FIND_ORGANIZATIONS, { identifier: `${ID_NAT_STRUCT}|075991234500` }),
    );
    expect(byId.entry!.map((e) => e.resource!.id)).toEqual(['075991234500']);
  });

  const refusals: [string, FhirTransaction, QueryParameters, RegExp][] = [
    ['a one-letter name', FIND_PRACTITIONERS, { name: 'a' }, /2 letters or digits/],
    ['no criterion', FIND_PRACTITIONERS, {}, /by name, identifier or qualification/],
    [
      'another identifier system',
      FIND_PRACTITIONERS,
      { identifier: 'http://rpps.fr|10000000017' },
      /urn:oid:1.2.250.1.71.4.2.1 only/,
    ],
    [
      'another profession system',
      FIND_PRACTITIONERS,
      { qualification: 'http://loinc.org|10' },
      /urn:oid:1.2.250.1.71.1.2.7 only/,
    ],
    [
      'several identifiers',
      FIND_PRACTITIONERS,
      { identifier: '810000000017,810000000025' },
      /one value/,
    ],
    [
      'another _include',
      FIND_PRACTITIONERS,
      { name: 'martin', _include: 'Practitioner:*' },
      /Practitioner:role/,
    ],
    ['a modifier', FIND_PRACTITIONERS, { 'name:exact': 'MARTIN' }, /name:exact/],
    ['a repeated name', FIND_PRACTITIONERS, { name: ['martin', 'jeanne'] }, /only once/],
    [
      'a structure identifier of the professionals’ system',
      FIND_ORGANIZATIONS,
      { identifier: `${ID_NAT_PS}|1999900025` },
      /urn:oid:1.2.250.1.71.4.2.2 only/,
    ],
    ['an organization without criterion', FIND_ORGANIZATIONS, {}, /by name or identifier/],
  ];

  it.each(refusals)('refuses %s (400)', async (_what, transaction, query, diagnostics) => {
    const { run } = await setUp();
    const reply = await run(transaction, query, aMedecin());
    expect(reply.status).toBe(400);
    expect((reply.body as OperationOutcome).issue[0].diagnostics).toMatch(diagnostics);
  });

  it('is listed in the CapabilityStatement: its parameters and the include', () => {
    const rest = capabilityStatement(FHIR_TRANSACTIONS, BASE_URL, '0.1.0').rest![0];
    expect(rest.resource!.find((r) => r.type === 'Practitioner')).toEqual({
      type: 'Practitioner',
      interaction: [{ code: 'search-type' }],
      searchParam: [
        { name: 'name', type: 'string' },
        { name: 'identifier', type: 'token' },
        { name: 'qualification', type: 'token' },
      ],
      searchInclude: ['Practitioner:role'],
    });
    expect(rest.resource!.find((r) => r.type === 'Organization')).toEqual({
      type: 'Organization',
      interaction: [{ code: 'search-type' }],
      searchParam: [
        { name: 'name', type: 'string' },
        { name: 'identifier', type: 'token' },
      ],
    });
  });
});
