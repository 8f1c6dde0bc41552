type Step = { readonly label: string; readonly run: () => Promise<void> | void };

/** Undo steps run last-registered first; each failure is reported and the rest still run. */
export class Cleanup {
  private readonly steps: Step[] = [];
  private running?: Promise<void>;

  add(label: string, run: Step['run']): void {
    this.steps.push({ label, run });
  }

  /** Runs the steps once; later calls wait for that same run. */
  runAll(): Promise<void> {
    this.running ??= this.runSteps();
    return this.running;
  }

  private async runSteps(): Promise<void> {
    for (const step of this.steps.reverse()) {
      try {
        await step.run();
      } catch (error) {
        process.stderr.write(`Cleanup "${step.label}" failed: ${describe(error)}\n`);
      }
    }
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
