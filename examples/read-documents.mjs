// Reads a patient's record as Dr Jeanne MARTIN (persona medecin-generaliste of the development
// PKI): the documents she may see with fhir-kit-client (ITI-67), then each one's bytes with plain
// fetch (ITI-68), checked against the size and SHA-1 its DocumentReference announces.
//
//   node examples/read-documents.mjs [INS]    (INS-NIR test authority; default Marie DUPONT's)
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'fhir-kit-client';
import { Agent } from 'undici';

const pki = new URL('../data/pki/', import.meta.url);
const ins = process.argv[2] ?? '277069912345674';

// Node's fetch (which fhir-kit-client 2 uses) ignores an https.Agent: the client certificate goes
// through an undici dispatcher, which Node's Request takes as a non-standard option.
const dispatcher = new Agent({
  connect: {
    ca: readFileSync(new URL('ca.pem', pki)),
    cert: readFileSync(new URL('medecin-generaliste.pem', pki)),
    key: readFileSync(new URL('medecin-generaliste-key.pem', pki)),
  },
});
const client = new Client({
  baseUrl: 'https://localhost:8443/fhir',
  requestOptions: { dispatcher },
});

const bundle = await client.search({
  resourceType: 'DocumentReference',
  searchParams: { 'patient.identifier': `urn:oid:1.2.250.1.213.1.4.10|${ins}`, status: 'current' },
});
// plain fetch works the same way: fetch(url, { dispatcher })

const references = (bundle.entry ?? []).map((entry) => entry.resource);
console.log(`${bundle.total} document(s) in the record of INS ${ins}, as Dr Jeanne MARTIN:`);
for (const reference of references) {
  const { attachment } = reference.content[0];
  const response = await fetch(attachment.url, { dispatcher });
  if (!response.ok) throw new Error(`${attachment.url}: HTTP ${response.status}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  const sha1 = createHash('sha1').update(bytes).digest('base64');
  const intact = bytes.length === attachment.size && sha1 === attachment.hash;
  console.log(
    `- ${attachment.title} (${reference.type.coding[0].code}, ${attachment.contentType})\n` +
      `  DocumentReference/${reference.id}, created ${attachment.creation}\n` +
      `  ${bytes.length} bytes read, ${intact ? 'size and SHA-1 as announced' : 'NOT as announced'}`,
  );
  if (!intact) process.exitCode = 1;
}
await dispatcher.close();
