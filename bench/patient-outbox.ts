import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** One notification as the gateway's file channel writes it (`NOTIFY_CHANNEL=file:<dir>`). */
interface OutboxMessage {
  readonly to: string | null;
  readonly kind: string;
  readonly code?: string;
}

export type CodeKind = 'activation-code' | 'one-time-code';

const POLL_MS = 5;

/**
 * The codes the gateway sent, read from its outbox directory as the patient reads his mail:
 * each file is parsed once, each code is taken once.
 */
export class Outbox {
  private readonly messages = new Map<string, OutboxMessage>();
  private readonly taken = new Set<string>();

  constructor(
    private readonly directory: string,
    private readonly timeoutMs: number,
  ) {}

  /** The newest code of this kind sent to `to` and not taken yet; waits for it to arrive. */
  async code(to: string, kind: CodeKind): Promise<string> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      await this.readNewFiles();
      const found = this.newestUntaken(to, kind);
      if (found) {
        this.taken.add(found.file);
        return found.code;
      }
      if (Date.now() > deadline) throw new Error(`No ${kind} for ${to} in ${this.directory}`);
      await sleep(POLL_MS);
    }
  }

  private newestUntaken(to: string, kind: CodeKind) {
    let newest: { file: string; code: string } | undefined;
    for (const [file, message] of this.messages) {
      if (message.to !== to || message.kind !== kind || !message.code) continue;
      if (this.taken.has(file) || (newest && newest.file > file)) continue;
      newest = { file, code: message.code };
    }
    return newest;
  }

  /** Files are named `<createdAt>-<id>.json` and written whole (renamed into place). */
  private async readNewFiles(): Promise<void> {
    const names = await readdir(this.directory).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.endsWith('.json') || this.messages.has(name)) continue;
      const text = await readFile(join(this.directory, name), 'utf8');
      this.messages.set(name, JSON.parse(text) as OutboxMessage);
    }
  }
}
