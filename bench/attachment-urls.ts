/** Paths of documents seen in search results, kept up to a cap, drawn at random for reads. */
export class AttachmentPaths {
  private readonly paths: string[] = [];

  constructor(private readonly cap = 10_000) {}

  get size(): number {
    return this.paths.length;
  }

  /** Keeps the path of an absolute attachment URL (https://host:port/fhir/Binary/<id>). */
  add(url: string): void {
    if (this.paths.length >= this.cap) return;
    const parsed = new URL(url);
    this.paths.push(`${parsed.pathname}${parsed.search}`);
  }

  random(): string {
    return this.paths[Math.floor(Math.random() * this.paths.length)];
  }
}
