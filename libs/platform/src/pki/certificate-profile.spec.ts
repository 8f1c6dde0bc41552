import { X509Certificate } from 'node:crypto';
import { DomainError } from '@passerelle/domain';
import {
  type IssuedCertificate,
  type SubjectName,
  createRootCa,
  issueCertificate,
  orgSubject,
  psSubject,
} from './certificate-issuer';
import { principalFromCertificate, professionCodeFromLabel } from './certificate-profile';
import { reuseGeneratedKeyPairs } from './reused-key-pairs.spec-support';

describe('principalFromCertificate', () => {
  // Only the subject is read here: the CA and its ~40 certificates share one RSA key pair.
  reuseGeneratedKeyPairs();

  let ca: IssuedCertificate;

  beforeAll(() => {
    ca = createRootCa('Profile Test CA');
  });

  const certificateFor = (subject: SubjectName): X509Certificate =>
    new X509Certificate(issueCertificate(ca, { subject, kind: 'client' }).certPem);

  const doctor = {
    idNat: '810000000017',
    family: 'MARTIN',
    given: 'Jeanne',
    professionLabel: 'Médecin',
  };

  const rejectionOf = (subject: SubjectName): DomainError => {
    try {
      principalFromCertificate(certificateFor(subject));
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error('expected the certificate to be refused');
  };

  describe('PS profile', () => {
    it('builds a professional principal from CN+SN+GN, T and C', () => {
      const cert = certificateFor(psSubject(doctor));

      expect(principalFromCertificate(cert)).toEqual({
        kind: 'PS',
        subjectId: '810000000017',
        family: 'MARTIN',
        given: 'Jeanne',
        professionCode: '10',
        professionLabel: 'Médecin',
        authenticationMode: 'DIRECTE',
        purposeOfUse: 'normal',
        roles: ['10'],
        certificate: {
          serialNumber: cert.serialNumber,
          issuer: 'CN=Profile Test CA',
          fingerprint256: cert.fingerprint256,
        },
      });
    });

    it.each([
      ['Médecin', '10'],
      ['MÉDECIN', '10'],
      ['medecin', '10'],
      ['Pharmacien', '21'],
      ['Chirurgien-dentiste', '40'],
      ['Sage-femme', '50'],
      ['sage femme', '50'],
      ['Infirmier', '60'],
      ['Masseur-kinésithérapeute', '70'],
      ['Pédicure-podologue', '80'],
      ['Technicien de laboratoire', '86'],
    ])('maps the T label %s to TRE_G15 code %s', (professionLabel, code) => {
      const principal = principalFromCertificate(
        certificateFor(psSubject({ ...doctor, professionLabel })),
      );

      expect(principal).toMatchObject({ kind: 'PS', professionLabel, professionCode: code });
    });

    it('keeps a PS with an unknown profession, without a code', () => {
      const principal = principalFromCertificate(
        certificateFor(psSubject({ ...doctor, professionLabel: 'Ostéopathe' })),
      );

      expect(principal).toMatchObject({ kind: 'PS', professionLabel: 'Ostéopathe' });
      expect(principal.kind === 'PS' && principal.professionCode).toBeUndefined();
    });

    it.each([
      ['ADELI', '0759912345'],
      ['establishment staff', '3750000000/AB-1234'],
      ['Corsican establishment staff', '32A0000017/42'],
    ])('accepts an idNat_PS of %s', (_kind, idNat) => {
      const principal = principalFromCertificate(certificateFor(psSubject({ ...doctor, idNat })));

      expect(principal.subjectId).toBe(idNat);
    });

    it('reads the structure of practice of a CPS subject (O, OU) as the PS structure', () => {
      const principal = principalFromCertificate(
        certificateFor([
          [{ type: 'C', value: 'FR' }],
          [{ type: 'O', value: 'CABINET M. DOC0036790' }],
          [{ type: 'OU', value: '499700367909006' }],
          [{ type: 'T', value: 'Médecin' }],
          [{ type: 'SN', value: 'DOC0036790' }],
          [{ type: 'GN', value: 'KIT' }],
          [{ type: 'CN', value: '899700367909' }],
        ]),
      );

      expect(principal).toMatchObject({
        kind: 'PS',
        subjectId: '899700367909',
        professionCode: '10',
        structureId: '499700367909006',
      });
    });

    it('accepts CN, SN and GN as separate RDNs too', () => {
      const principal = principalFromCertificate(
        certificateFor([
          [{ type: 'C', value: 'FR' }],
          [{ type: 'T', value: 'Sage-femme' }],
          [{ type: 'CN', value: '810000000025' }],
          [{ type: 'SN', value: 'LEFÈVRE' }],
          [{ type: 'GN', value: 'Anaïs' }],
        ]),
      );

      expect(principal).toMatchObject({
        subjectId: '810000000025',
        family: 'LEFÈVRE',
        given: 'Anaïs',
        professionCode: '50',
      });
    });

    it('reads escaped separators as part of the value, not as a new attribute', () => {
      const principal = principalFromCertificate(
        certificateFor(psSubject({ ...doctor, family: 'MARTIN + GN=Eve, "Jr"' })),
      );

      expect(principal).toMatchObject({ family: 'MARTIN + GN=Eve, "Jr"', given: 'Jeanne' });
    });
  });

  describe('ORG profile', () => {
    it('builds an organisation principal from CN, OU, O and C', () => {
      const cert = certificateFor(
        orgSubject({
          serviceName: 'Système de gestion de laboratoire',
          structureId: '1690000000',
          organisationName: 'Laboratoire, Biologie & Cie',
        }),
      );

      expect(principalFromCertificate(cert)).toEqual({
        kind: 'ORG',
        subjectId: '1690000000',
        serviceName: 'Système de gestion de laboratoire',
        organisationName: 'Laboratoire, Biologie & Cie',
        authenticationMode: 'INDIRECTE',
        purposeOfUse: 'normal',
        roles: [],
        structureId: '1690000000',
        certificate: {
          serialNumber: cert.serialNumber,
          issuer: cert.issuer,
          fingerprint256: cert.fingerprint256,
        },
      });
    });

    it.each([
      ['SIREN', '2123456789'],
      ['SIRET', '312345678900012'],
      ['FINESS of Corsica', '12A0000017'],
      ['FINESS of an ANS test structure (OU=10B0152872)', '10B0152872'],
      ['FINESS overseas', '19D0000015'],
      ['RPPS+rang of a practice (OU=499700367909006)', '499700367909006'],
    ])('accepts the structure idNat of a %s: %s', (_form, structureId) => {
      const principal = principalFromCertificate(
        certificateFor(orgSubject({ serviceName: 'S', structureId, organisationName: 'O' })),
      );

      expect(principal.subjectId).toBe(structureId);
    });
  });

  describe('rejections', () => {
    const org = { serviceName: 'Imagerie', structureId: '1750000000', organisationName: 'CH' };
    const withCountry = (subject: SubjectName, value: string): SubjectName => [
      [{ type: 'C', value }],
      ...subject.slice(1),
    ];

    it.each<[string, SubjectName, RegExp]>([
      ['a foreign PS', withCountry(psSubject(doctor), 'DE'), /country/],
      ['a foreign ORG', withCountry(orgSubject(org), 'BE'), /country/],
      ['a subject without C', psSubject(doctor).slice(1), /country/],
      [
        'a CN-only subject',
        [[{ type: 'C', value: 'FR' }], [{ type: 'CN', value: 'x' }]],
        /neither/,
      ],
      ['an RPPS idNat without prefix', psSubject({ ...doctor, idNat: '10000000017' }), /idNat_PS/],
      ['an unknown idNat prefix', psSubject({ ...doctor, idNat: '910000000017' }), /idNat_PS/],
      ['a too long RPPS idNat', psSubject({ ...doctor, idNat: '8100000000170' }), /idNat_PS/],
      ['an ADELI idNat of 8 digits', psSubject({ ...doctor, idNat: '075991234' }), /idNat_PS/],
      ['a staff idNat without id', psSubject({ ...doctor, idNat: '3750000000' }), /idNat_PS/],
      [
        'a PS without GN',
        [
          [{ type: 'C', value: 'FR' }],
          [{ type: 'T', value: 'Médecin' }],
          [
            { type: 'CN', value: '810000000017' },
            { type: 'SN', value: 'MARTIN' },
          ],
        ],
        /no GN/,
      ],
      ['a PS without T', psSubject(doctor).filter((rdn) => rdn[0].type !== 'T'), /no title/],
      [
        'a PS whose OU is no structure idNat',
        [...psSubject(doctor), [{ type: 'OU', value: 'Cardiologie' }]],
        /OU is not a structure idNat/,
      ],
      [
        'an ORG with a lower-case FINESS',
        orgSubject({ ...org, structureId: '12a0000017' }),
        /structure/,
      ],
      [
        'an RPPS+rang of 13 digits',
        orgSubject({ ...org, structureId: '4997003679090' }),
        /structure/,
      ],
      ['an ORG with a bad OU', orgSubject({ ...org, structureId: '9750000000' }), /structure/],
      ['an ORG with a short FINESS', orgSubject({ ...org, structureId: '175000000' }), /structure/],
      ['an ORG without O', orgSubject(org).filter((rdn) => rdn[0].type !== 'O'), /no O\b/],
      ['a repeated CN', [...orgSubject(org), [{ type: 'CN', value: 'Other' }]], /repeats CN/],
      [
        'a control character in a name',
        psSubject({ ...doctor, family: 'MARTIN\nCN=899999999999' }),
        /control characters/,
      ],
    ])('refuses %s', (_case, subject, reason) => {
      const error = rejectionOf(subject);

      expect(error.code).toBe('UNAUTHENTICATED');
      expect(error.message).toMatch(reason);
    });
  });
});

describe('professionCodeFromLabel', () => {
  it('ignores case, accents, hyphens and extra spaces', () => {
    expect(professionCodeFromLabel('  MASSEUR  KINESITHERAPEUTE ')).toBe('70');
    expect(professionCodeFromLabel('pédicure–podologue')).toBe('80');
  });

  it('knows nothing of other labels', () => {
    expect(professionCodeFromLabel('Médecin généraliste')).toBeUndefined();
  });
});
