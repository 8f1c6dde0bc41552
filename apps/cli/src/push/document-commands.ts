import type { Command } from 'commander';
import type { CliIo } from '../cli-io';
import { registerGetCommand } from './get-command';
import { registerPushCommand } from './push-command';
import { registerQueryCommand } from './query-command';
import { registerWatchCommand } from './watch-command';

/** push, watch, query and get: documents in and out of the gateway, as a client system. */
export function registerDocumentCommands(program: Command, io: CliIo): void {
  registerPushCommand(program, io);
  registerWatchCommand(program, io);
  registerQueryCommand(program, io);
  registerGetCommand(program, io);
}
