/**
 * The documents the patient has opened, per record, in localStorage: the others are marked
 * "Nouveau" in his list. Only ids are kept, never a title or content.
 */
const KEY = (patient: string) => `passerelle-portal:documents-ouverts:${patient}`;

export function seenDocuments(patient: string): ReadonlySet<string> {
  try {
    return new Set(JSON.parse(localStorage.getItem(KEY(patient)) ?? '[]') as string[]);
  } catch {
    return new Set();
  }
}

export function markSeen(patient: string, documentId: string): void {
  const seen = new Set(seenDocuments(patient));
  if (seen.has(documentId)) return;
  seen.add(documentId);
  localStorage.setItem(KEY(patient), JSON.stringify([...seen]));
}
