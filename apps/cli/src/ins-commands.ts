import { Command } from 'commander';
import { nirWithKey } from '@passerelle/domain';
import { invalidInput } from './cli-error';
import { CliIo, formatJson } from './cli-io';

const NIR_BODY = /^[12378][0-9]{4}(2A|2B|[0-9]{2})[0-9]{6}$/;

const KEY_EXAMPLES = `
Examples:
  $ passerelle ins key 2770699123456
  277069912345674
  $ passerelle ins key 1850575123456 --json`;

export function registerInsCommands(program: Command, io: CliIo): void {
  const ins = program.command('ins').description('INS (NIR/NIA) helpers');
  ins
    .command('key')
    .description('complete a NIR or NIA with its 2-digit key, e.g. to build test patients')
    .argument('<first13>', 'the 13 first characters (sex, year, month, department, commune, order)')
    .option('--json', 'print JSON for scripts')
    .addHelpText('after', KEY_EXAMPLES)
    .action((first13: string, options: { json?: boolean }) => {
      const nir = completeNir(first13);
      io.out(options.json ? formatJson({ nir, key: nir.slice(13) }) : `${nir}\n`);
    });
}

/** The full NIR: Corsican departments 2A/2B are accepted, spaces ignored. */
export function completeNir(first13: string): string {
  const body = first13.replace(/\s+/g, '').toUpperCase();
  if (!NIR_BODY.test(body)) {
    const hint = body.length === 15 ? ' (give the 13 first characters, without the key)' : '';
    throw invalidInput(`Expected the 13 first characters of a NIR or NIA, got "${first13}"${hint}`);
  }
  return nirWithKey(body);
}
