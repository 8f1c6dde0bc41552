// npm run demo: against the gateway `npm start` runs (embedded default, development PKI), opens
// four patients' records as Dr Jeanne MARTIN, pushes their CDA R2 documents from fixtures/ through
// both doors with the operator CLI (`passerelle push`, ITI-65, and `--xds`, ITI-41 MTOM), each by
// the system that would send it, then prints the commands to look at them. Safe to run again:
// records are opened conditionally and a document pushed again is recognised by its uniqueId.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';

const GATEWAY = 'https://localhost:8443';
const INS_TEST = '1.2.250.1.213.1.4.10';
const root = fileURLToPath(new URL('../', import.meta.url));
const cli = `${root}dist/apps/cli/apps/cli/src/main.js`;
const pki = (file) => `data/pki/${file}`;
const connection = (persona) =>
  `--server ${GATEWAY} --cert ${pki(`${persona}.pem`)} --key ${pki(`${persona}-key.pem`)} --ca ${pki('ca.pem')}`;

/** Each document with its patient, the door it goes through and who sends it. */
const DOCUMENTS = [
  {
    file: 'fixtures/cda/IMG_CR_IMG_2023.11_CDA-R2-Niveau-1.xml',
    what: "CT scan report (the ANS's published example)",
    ins: '279035121518989',
    sender: 'hopital-org',
    door: 'xds',
  },
  {
    file: 'fixtures/cda/written/LDL-SES_discharge-letter.xml',
    what: 'discharge letter',
    ins: '252096345678947',
    sender: 'hopital-org',
    door: 'xds',
  },
  {
    file: 'fixtures/cda/written/CR-BIO_lab-report.xml',
    what: 'lab report',
    ins: '184057512345625',
    sender: 'laboratoire-org',
    door: 'mhd',
  },
  {
    file: 'fixtures/cda/written/VSM_patient-summary.xml',
    what: 'patient summary',
    ins: '169016901234531',
    sender: 'medecin-generaliste',
    door: 'mhd',
  },
];
const SOURCE_IDS = {
  'hopital-org': '1.2.250.1.999.2',
  'laboratoire-org': '1.2.250.1.999.3',
  'medecin-generaliste': '1.2.250.1.999.4',
};

process.chdir(root);
if (!existsSync(cli) || !existsSync(pki('ca.pem'))) {
  fail('Start the gateway first: `npm start` builds it and creates data/pki.');
}
const medecin = new Agent({
  connect: {
    ca: readFileSync(pki('ca.pem')),
    cert: readFileSync(pki('medecin-generaliste.pem')),
    key: readFileSync(pki('medecin-generaliste-key.pem')),
  },
});
await fetch(`${GATEWAY}/health`, { dispatcher: medecin }).catch(() =>
  fail(`No gateway answers on ${GATEWAY}: start it with \`npm start\` (another terminal).`),
);

console.log('Records opened by Dr Jeanne MARTIN (medecin-generaliste):');
for (const ins of new Set(DOCUMENTS.map((document) => document.ins))) {
  const identifier = `urn:oid:${INS_TEST}|${ins}`;
  const response = await fetch(`${GATEWAY}/fhir/Patient`, {
    method: 'POST',
    headers: {
      'content-type': 'application/fhir+json',
      'if-none-exist': `identifier=${identifier}`,
    },
    body: JSON.stringify({
      resourceType: 'Patient',
      identifier: [{ system: `urn:oid:${INS_TEST}`, value: ins }],
    }),
    dispatcher: medecin,
  });
  if (!response.ok) fail(`Opening ${ins}: HTTP ${response.status} ${await response.text()}`);
  console.log(`  INS ${ins}: ${response.status === 201 ? 'opened' : 'already open'}`);
}
await medecin.close();

console.log('\nDocuments pushed:');
for (const sender of new Set(DOCUMENTS.map((document) => document.sender))) {
  for (const door of ['mhd', 'xds']) {
    const documents = DOCUMENTS.filter((d) => d.sender === sender && d.door === door);
    if (documents.length === 0) continue;
    const args = ['push', ...documents.map((d) => d.file), '--source-id', SOURCE_IDS[sender]];
    if (door === 'xds') args.push('--xds');
    const pushed = spawnSync(
      process.execPath,
      [cli, ...args, '--json', ...connection(sender).split(' ')],
      { encoding: 'utf8' },
    );
    if (pushed.status !== 0) fail(`passerelle ${args.join(' ')}:\n${pushed.stderr}`);
    for (const [index, result] of JSON.parse(pushed.stdout).pushed.entries()) {
      const document = documents[index];
      console.log(
        `  ${door === 'xds' ? 'ITI-41 (XDS.b, MTOM)' : 'ITI-65 (FHIR MHD)   '} by ${sender}: ` +
          `${document.what} of INS ${document.ins}, uniqueId ${result.uniqueId}` +
          (result.alreadyRegistered ? ' (already there)' : ''),
      );
    }
  }
}

const [first, second, third] = DOCUMENTS;
const medecinFiles = `--cert ${pki('medecin-generaliste.pem')} --key ${pki('medecin-generaliste-key.pem')}`;
console.log(`
Look at them, from the repository's root (Dr MARTIN may read every one):
  $ node examples/read-documents.mjs ${first.ins}
  $ npx passerelle query ${second.ins} --oid ${INS_TEST} ${connection('medecin-generaliste')}
  $ curl --cacert ${pki('ca.pem')} ${medecinFiles} '${GATEWAY}/fhir/DocumentReference?patient.identifier=urn:oid:${INS_TEST}|${third.ins}'`);

function fail(message) {
  console.error(message);
  process.exit(1);
}
