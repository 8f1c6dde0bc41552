// Searches a record through the XDS.b door as Dr Jeanne MARTIN (persona medecin-generaliste):
// sends the ITI-18 FindDocuments stored query examples/iti18-find-documents.xml (SOAP 1.2) with
// undici and prints the DocumentEntries of the answer.
//
//   node examples/xds-find-documents.mjs
import { readFileSync } from 'node:fs';
import { DOMParser } from '@xmldom/xmldom';
import { Agent, request } from 'undici';

const pki = new URL('../data/pki/', import.meta.url);
const [ca, cert, key] = ['ca.pem', 'medecin-generaliste.pem', 'medecin-generaliste-key.pem'].map(
  (file) => readFileSync(new URL(file, pki)),
);
const envelope = readFileSync(new URL('iti18-find-documents.xml', import.meta.url));

const dispatcher = new Agent({ connect: { ca, cert, key } });
const answer = await request('https://localhost:8443/xds/registry', {
  method: 'POST',
  headers: { 'content-type': 'application/soap+xml; charset=UTF-8' },
  body: envelope, // SOAP 1.2 with wsa:Action urn:ihe:iti:2007:RegistryStoredQuery
  dispatcher,
});

const RIM = 'urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0';
const UNIQUE_ID = 'urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab';
const xml = new DOMParser().parseFromString(await answer.body.text(), 'text/xml');
const response = xml.getElementsByTagNameNS('*', 'AdhocQueryResponse')[0];
console.log(`ITI-18 FindDocuments: HTTP ${answer.statusCode}, ${response.getAttribute('status')}`);
for (const error of Array.from(xml.getElementsByTagNameNS('*', 'RegistryError'))) {
  console.log(`- ${error.getAttribute('errorCode')}: ${error.getAttribute('codeContext')}`);
  process.exitCode = 1;
}
for (const entry of Array.from(xml.getElementsByTagNameNS(RIM, 'ExtrinsicObject'))) {
  const name = Array.from(entry.childNodes).find((node) => node.localName === 'Name');
  const title = name?.getElementsByTagNameNS(RIM, 'LocalizedString')[0]?.getAttribute('value');
  const uniqueId = Array.from(entry.getElementsByTagNameNS(RIM, 'ExternalIdentifier'))
    .find((identifier) => identifier.getAttribute('identificationScheme') === UNIQUE_ID)
    ?.getAttribute('value');
  console.log(`- ${title} (${entry.getAttribute('mimeType')}), uniqueId ${uniqueId}`);
}
await dispatcher.close();
