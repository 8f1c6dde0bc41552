import { DomainError } from '@passerelle/domain';
import { ConfigError } from '@passerelle/platform';
import { EXIT, describeFailure } from './cli-error';
import type { CliIo } from './cli-io';
import { runCli } from './cli';
import { completeNir } from './ins-commands';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const output = { out: '', err: '' };
  const io: CliIo = {
    out: (text) => (output.out += text),
    err: (text) => (output.err += text),
  };
  const code = await runCli(['node', 'passerelle', ...args], io);
  return { code, ...output };
}

describe('passerelle', () => {
  it('prints its version', async () => {
    const { code, out } = await run('--version');
    expect(code).toBe(EXIT.OK);
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('has help with examples on every command', async () => {
    for (const command of [[], ['record', 'open'], ['record', 'status'], ['pki', 'dev']]) {
      const { code, out } = await run(...command, '--help');
      expect(code).toBe(EXIT.OK);
      expect(out).toContain('Examples:');
    }
  });

  it('completes a NIR with its key', async () => {
    expect(await run('ins', 'key', '2770699123456')).toEqual({
      code: EXIT.OK,
      out: '277069912345674\n',
      err: '',
    });
    expect(JSON.parse((await run('ins', 'key', '2770699123456', '--json')).out)).toEqual({
      nir: '277069912345674',
      key: '74',
    });
  });

  it('rejects an invalid INS in one line, exit 2, before touching any database', async () => {
    const { code, out, err } = await run('record', 'status', '277069912345675');
    expect(code).toBe(EXIT.INVALID);
    expect(out).toBe('');
    expect(err).toBe('error: Invalid INS: INS matricule 277069912345675 has a wrong key\n');
  });

  it('exits 2 on usage errors', async () => {
    expect((await run('record', 'open')).code).toBe(EXIT.INVALID);
    expect((await run('record', 'open', '277069912345674', '--gender', 'x')).code).toBe(
      EXIT.INVALID,
    );
    const tlsWithoutServer = await run('record', 'open', '277069912345674', '--cert', 'c.pem');
    expect(tlsWithoutServer).toMatchObject({
      code: EXIT.INVALID,
      err: 'error: --cert, --key and --ca apply only with --server\n',
    });
  });
});

describe('completeNir', () => {
  it('accepts Corsican departments and makes a valid NIR', () => {
    expect(completeNir('277062a123456')).toMatch(/^277062A123456\d{2}$/);
  });

  it('asks for 13 characters when given a full NIR', () => {
    expect(() => completeNir('277069912345674')).toThrow(/without the key/);
  });
});

describe('describeFailure', () => {
  it('maps validation and configuration errors to exit 2', () => {
    expect(describeFailure(new DomainError('INS_BAD_KEY', 'bad key')).exitCode).toBe(EXIT.INVALID);
    expect(describeFailure(new ConfigError('PORT must be an integer'))).toEqual({
      message: 'Configuration error: PORT must be an integer',
      exitCode: EXIT.INVALID,
    });
  });

  it('reduces unexpected errors to one line with their cause, exit 1', () => {
    const error = new Error('fetch failed\n    at somewhere', { cause: new Error('ECONNRESET') });
    expect(describeFailure(error)).toEqual({ message: 'fetch failed', exitCode: EXIT.FAILURE });
    expect(describeFailure(new Error('boom', { cause: new Error('why') })).message).toBe(
      'boom: why',
    );
  });
});
