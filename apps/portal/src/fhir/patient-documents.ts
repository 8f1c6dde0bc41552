import type { DocumentReference } from 'fhir/r4';
import { fhirFetch, fhirJson, searchAll } from './client';
import { PatientDocument, patientDocumentFrom, securityLabelsWith } from './documents';

/** The patient's current documents (every page of ITI-67). */
export async function loadDocuments(patient: string): Promise<PatientDocument[]> {
  const references = await searchAll<DocumentReference>(
    `/DocumentReference?patient=${encodeURIComponent(`Patient/${patient}`)}&status=current&_count=100`,
  );
  return references.map(patientDocumentFrom);
}

export async function loadDocument(id: string): Promise<PatientDocument> {
  return patientDocumentFrom(
    await fhirJson<DocumentReference>(`/DocumentReference/${encodeURIComponent(id)}`),
  );
}

/** The document's bytes (ITI-68), as a Blob of its type. */
export async function documentContent(document: PatientDocument): Promise<Blob> {
  if (!document.binaryUrl) throw new Error('Document sans contenu');
  const response = await fhirFetch(document.binaryUrl, { headers: { accept: '*/*' } });
  return new Blob([await response.arrayBuffer()], { type: document.mimeType });
}

/** MASQUE_PS set or lifted: a JSON Patch of securityLabel, the other labels kept. */
export async function setHiddenFromProfessionals(
  document: PatientDocument,
  hidden: boolean,
): Promise<void> {
  await fhirFetch(`/DocumentReference/${encodeURIComponent(document.id)}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json-patch+json' },
    body: JSON.stringify([
      {
        op: 'replace',
        path: '/securityLabel',
        value: securityLabelsWith(document.resource, hidden),
      },
    ]),
  });
}

/** The DMP's logical delete: gone for the patient and every professional. */
export async function deleteDocument(document: PatientDocument): Promise<void> {
  await fhirFetch(`/DocumentReference/${encodeURIComponent(document.id)}`, { method: 'DELETE' });
}

/** `$archive`: every document he sees, with its manifest, as one ZIP. */
export async function recordArchive(patient: string): Promise<Blob> {
  const response = await fhirFetch(`/Patient/${encodeURIComponent(patient)}/$archive`, {
    headers: { accept: 'application/zip' },
  });
  return new Blob([await response.arrayBuffer()], { type: 'application/zip' });
}

/** Saves a Blob as a file, through a blob: link (the CSP allows blob: and nothing else). */
export function saveAs(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
