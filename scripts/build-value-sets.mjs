// Writes fixtures/terminology/value-sets.json from the ANS value sets (JDV) as published: SVS XML
// (RetrieveValueSetResponse) or a FHIR ValueSet. Where each file comes from, and at which commit,
// is in fixtures/SOURCES.md; the downloaded files are not kept in the repository.
//
//   node scripts/build-value-sets.mjs <directory holding the downloaded files>
import { DOMParser } from '@xmldom/xmldom';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'fixtures/terminology/value-sets.json');

/** Metadata attribute → its value set, the file it is read from and where that file was found. */
const VALUE_SETS = [
  {
    attribute: 'classCode',
    file: 'JDV_J57_ClassCode_DMP.json',
    origin:
      'ansforge/IG-terminologie-de-sante, Terminologies de Santé v1.12.0, ValueSet JDV-J57-ClassCode-DMP',
  },
  {
    attribute: 'typeCode',
    file: 'JDV_J07_XdsTypeCode_CISIS.xml',
    origin: 'ansforge/TestContenuCDA-3-0 jeuxDeValeurs/JDV_J07_XdsTypeCode_CISIS.xml @ 7cd489b3',
  },
  {
    attribute: 'formatCode',
    file: 'JDV_J60_FormatCode_DMP.json',
    origin:
      'ansforge/IG-terminologie-de-sante, Terminologies de Santé v1.12.0, ValueSet JDV-J60-FormatCode-DMP',
    additions: [
      {
        codeSystem: '1.3.6.1.4.1.19376.1.2.3',
        code: 'urn:ihe:iti:xds:2017:mimeTypeSufficient',
        display: 'mimeType Sufficient',
        reason:
          'IHE ITI formatCode of a document whose mimeType says enough (non-CDA documents): used by the ANS PDSm for DMP examples (ansforge/IG-FHIR-PDSM4DMP-EEDS @ 94d8b1d1) and by fixtures/terminology/cda-format-codes.json, absent from JDV_J60',
      },
    ],
  },
  {
    attribute: 'contentTypeCode',
    file: 'JDV_J59_ContentTypeCode_DMP.xml',
    origin:
      'fliot/interop-outil-cda-testcontenucda3.0-outil-validation-documents-cda (fork of the ANS CDA validation tool) jeuxDeValeurs/JDV_J59_ContentTypeCode_DMP.xml @ 542007d2',
  },
  {
    attribute: 'confidentialityCode',
    file: 'JDV_J58_ConfidentialityCode_DMP.json',
    origin:
      'ansforge/IG-terminologie-de-sante, Terminologies de Santé v1.10.0, ValueSet JDV-J58-ConfidentialityCode-DMP',
  },
  {
    attribute: 'healthcareFacilityTypeCode',
    file: 'JDV_J02_XdsHealthcareFacilityTypeCode_CISIS.xml',
    origin:
      'ansforge/TestContenuCDA-3-0 jeuxDeValeurs/JDV_J02_XdsHealthcareFacilityTypeCode_CISIS.xml @ 7cd489b3',
  },
  {
    attribute: 'practiceSettingCode',
    file: 'JDV_J04_XdsPracticeSettingCode_CISIS.xml',
    origin:
      'ansforge/TestContenuCDA-3-0 jeuxDeValeurs/JDV_J04_XdsPracticeSettingCode_CISIS.xml @ 7cd489b3',
  },
  {
    attribute: 'authorSpecialty',
    file: 'JDV_J01_XdsAuthorSpecialty_CISIS.xml',
    origin:
      'ansforge/TestContenuCDA-3-0 jeuxDeValeurs/JDV_J01_XdsAuthorSpecialty_CISIS.xml @ 7cd489b3',
  },
];

/** A FHIR ValueSet names its code systems by URI; XDS by OID (as the SVS files do). */
const OID_BY_SYSTEM = {
  'https://mos.esante.gouv.fr/NOS/TRE_A03-ClasseDocument/FHIR/TRE-A03-ClasseDocument':
    '1.2.250.1.213.1.1.4.1',
  'https://mos.esante.gouv.fr/NOS/TRE_A06-FormatCodeComplementaire/FHIR/TRE-A06-FormatCodeComplementaire':
    '1.2.250.1.213.1.1.4.2.282',
  'https://mos.esante.gouv.fr/NOS/TRE_A07-StatutVisibiliteDocument/FHIR/TRE-A07-StatutVisibiliteDocument':
    '1.2.250.1.213.1.1.4.13',
  'https://mos.esante.gouv.fr/NOS/TRE_A08-HL7Confidentiality/FHIR/TRE-A08-HL7Confidentiality':
    '2.16.840.1.113883.5.25',
  'https://mos.esante.gouv.fr/NOS/TRE_A09-DICOMuidRegistry/FHIR/TRE-A09-DICOMuidRegistry':
    '1.2.840.10008.2.6.1',
  'https://mos.esante.gouv.fr/NOS/TRE_A11-IheFormatCode/FHIR/TRE-A11-IheFormatCode':
    '1.3.6.1.4.1.19376.1.2.3',
  // TRE_A10-NomenclatureURN: its codes are URNs, and its "OID" is the word URN (CI-SIS).
  'https://mos.esante.gouv.fr/NOS/TRE_A10-NomenclatureURN/FHIR/TRE-A10-NomenclatureURN': 'URN',
};

function fromSvs(text) {
  const valueSet = new DOMParser()
    .parseFromString(text, 'text/xml')
    .getElementsByTagNameNS('urn:ihe:iti:svs:2008', 'ValueSet')[0];
  const concepts = [...valueSet.getElementsByTagNameNS('urn:ihe:iti:svs:2008', 'Concept')].map(
    (concept) => ({
      codeSystem: concept.getAttribute('codeSystem'),
      code: concept.getAttribute('code'),
      display: concept.getAttribute('displayName'),
    }),
  );
  return {
    id: valueSet.getAttribute('urlFichier').split('/').pop(),
    oid: valueSet.getAttribute('id'),
    version: valueSet.getAttribute('dateMaj'),
    concepts,
  };
}

function fromFhir(text) {
  const valueSet = JSON.parse(text);
  const concepts = valueSet.compose.include.flatMap((include) => {
    const codeSystem = OID_BY_SYSTEM[include.system];
    if (!codeSystem) throw new Error(`${valueSet.id}: no OID known for ${include.system}`);
    return include.concept.map(({ code, display }) => ({ codeSystem, code, display }));
  });
  return {
    id: valueSet.url.split('/NOS/')[1].split('/')[0],
    oid: valueSet.identifier[0].value.replace(/^urn:oid:/, ''),
    version: valueSet.version,
    concepts,
  };
}

/**
 * A value set as published, plus the documented additions (fixtures/SOURCES.md): codes the
 * gateway accepts beyond it, each with its reason, kept apart in the output so that the
 * difference stays visible.
 */
function read(directory, { attribute, file, origin, additions = [] }) {
  const text = readFileSync(join(directory, file), 'utf8');
  const { id, oid, version, concepts } = file.endsWith('.xml') ? fromSvs(text) : fromFhir(text);
  for (const added of additions) {
    if (
      concepts.some(
        ({ codeSystem, code }) => codeSystem === added.codeSystem && code === added.code,
      )
    ) {
      throw new Error(
        `${id}: ${added.code} is published in ${added.codeSystem}, it is no addition`,
      );
    }
  }
  const codes = {};
  for (const { codeSystem, code, display } of [...concepts, ...additions]) {
    codes[codeSystem] = { ...codes[codeSystem], [code]: display };
  }
  const entry = { id, oid, version, source: origin, codes };
  return [attribute, additions.length > 0 ? { ...entry, additions } : entry];
}

const directory = process.argv[2];
if (!directory) {
  console.error('usage: node scripts/build-value-sets.mjs <directory of the downloaded JDV files>');
  process.exit(2);
}
const document = {
  name: 'National value sets (ANS JDV) of the XDS metadata',
  description:
    'Each coded metadata attribute and the ANS value set (JDV) it must be drawn from: its identifier, OID, version (dateMaj / FHIR version) and codes by code system OID, each with its label. Generated by scripts/build-value-sets.mjs; do not edit by hand. Sources and choices: fixtures/SOURCES.md.',
  valueSets: Object.fromEntries(VALUE_SETS.map((valueSet) => read(directory, valueSet))),
};
writeFileSync(output, `${JSON.stringify(document, null, 2)}\n`);
console.info(`wrote ${output}`);
