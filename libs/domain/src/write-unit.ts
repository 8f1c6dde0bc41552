/**
 * Writes to one patient's record that commit together, all or none: the registry's rows of a
 * submission, the repository's bytes and the audit record with the notifications it owes — each
 * store stages its part into the same unit.
 */
export interface WriteUnit {
  readonly patientKey: string;
}
