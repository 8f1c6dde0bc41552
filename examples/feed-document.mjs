// Feeds a record as the hospital's system (persona hopital-org of the development PKI): posts the
// ITI-65 bundle examples/iti65-provide-bundle.json with plain fetch and prints the answer. Each
// post gets a SubmissionSet uniqueId of its own (the bundle's own may be used once: posted again
// as it is, it is refused 409); the document keeps its uniqueId, so from the second post on the
// gateway answers that it already holds it (200 OK, nothing stored twice).
//
//   node examples/feed-document.mjs
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'undici';

const pki = new URL('../data/pki/', import.meta.url);
const dispatcher = new Agent({
  connect: {
    ca: readFileSync(new URL('ca.pem', pki)),
    cert: readFileSync(new URL('hopital-org.pem', pki)),
    key: readFileSync(new URL('hopital-org-key.pem', pki)),
  },
});

const bundle = JSON.parse(readFileSync(new URL('iti65-provide-bundle.json', import.meta.url)));
const submissionSet = bundle.entry.find((entry) => entry.resource.resourceType === 'List');
const uniqueId = `2.25.${BigInt(`0x${randomUUID().replaceAll('-', '')}`)}`;
submissionSet.resource.identifier = [
  { use: 'usual', system: 'urn:ietf:rfc:3986', value: `urn:oid:${uniqueId}` },
];

const response = await fetch('https://localhost:8443/fhir', {
  method: 'POST',
  headers: { 'content-type': 'application/fhir+json' },
  body: JSON.stringify(bundle),
  dispatcher,
});
const answer = await response.json();
console.log(`ITI-65 as the hospital (SubmissionSet ${uniqueId}): HTTP ${response.status}`);
if (answer.resourceType === 'OperationOutcome') {
  for (const issue of answer.issue) console.log(`- ${issue.code}: ${issue.diagnostics}`);
  process.exitCode = 1;
} else {
  for (const entry of answer.entry) {
    console.log(`- ${entry.response.location}: ${entry.response.status}`);
  }
}
await dispatcher.close();
