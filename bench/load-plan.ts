import { RunOids, nirOf } from './fixtures';

export interface BundleSpec {
  readonly patientIndex: number;
  readonly submissionSetOid: string;
  readonly documentOids: readonly string[];
}

/**
 * Which documents go in which bundle, for which patient: bundle `b` carries documents
 * `b·K + 1 … b·K + K` (K documents per bundle, fewer in the last one) of patient `b mod N`.
 * Computed on demand, so a million documents cost no memory.
 */
export class LoadPlan {
  readonly bundles: number;
  readonly oids = new RunOids(String(Date.now()));

  constructor(
    readonly patients: number,
    readonly documents: number,
    readonly docsPerBundle: number,
  ) {
    this.bundles = Math.ceil(documents / docsPerBundle);
  }

  /** Patients that receive at least one document: indexes 0 … patientsWithDocuments − 1. */
  get patientsWithDocuments(): number {
    return Math.min(this.patients, this.bundles);
  }

  nir(patientIndex: number): string {
    return nirOf(patientIndex);
  }

  bundle(index: number): BundleSpec {
    const first = index * this.docsPerBundle;
    const count = Math.min(this.docsPerBundle, this.documents - first);
    return {
      patientIndex: index % this.patients,
      submissionSetOid: this.oids.submissionSet(index + 1),
      documentOids: Array.from({ length: count }, (_, k) => this.oids.document(first + k + 1)),
    };
  }

  /** Documents carried by bundles `from` … `to − 1`. */
  documentsIn(from: number, to: number): number {
    return Math.min(this.documents, to * this.docsPerBundle) - from * this.docsPerBundle;
  }
}
