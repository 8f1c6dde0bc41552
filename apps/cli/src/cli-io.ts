/** Where commands write: the process streams, or a buffer in tests. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export const PROCESS_IO: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
