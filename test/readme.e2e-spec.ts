import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuiltGateway, startBuiltGateway } from './support/built-gateway';

const ROOT = join(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const EXAMPLES = readdirSync(join(ROOT, 'examples'));
/** The line that exempts a block, with its reason: `# not run by the README test: <why>`. */
const NOT_RUN = '# not run by the README test:';
/** The port the commands name (`:8443`, as in https://localhost:8443); nothing else is rewritten. */
const DOCUMENTED_PORT = /:8443\b/g;

interface Block {
  readonly line: number;
  readonly language: string;
  readonly text: string;
}

/** The fenced blocks of a Markdown text, with the line each opens on. */
function fencedBlocks(markdown: string): Block[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((match) => ({
    line: markdown.slice(0, match.index).split('\n').length,
    language: match[1],
    text: match[2],
  }));
}

const shellBlocks = fencedBlocks(README).filter((block) => ['sh', 'bash'].includes(block.language));
const runnable = shellBlocks.filter((block) => !block.text.includes(NOT_RUN));
const scripts = Object.values(
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: object }).scripts,
) as string[];

/**
 * The repository as a new user has it after `npm start`, in a directory of its own: `data/` is the
 * started gateway's DATA_DIR (its development PKI, outbox), `examples/` a copy with the port
 * rewritten, the rest linked. Commands run there exactly as the README gives them.
 */
function layOutWorkspace(workspace: string, port: number): void {
  mkdirSync(join(workspace, 'examples'));
  for (const file of EXAMPLES) {
    const text = readFileSync(join(ROOT, 'examples', file), 'latin1');
    writeFileSync(
      join(workspace, 'examples', file),
      text.replace(DOCUMENTED_PORT, `:${port}`),
      'latin1',
    );
  }
  for (const linked of ['node_modules', 'dist', 'fixtures']) {
    symlinkSync(join(ROOT, linked), join(workspace, linked));
  }
  cpSync(join(ROOT, 'package.json'), join(workspace, 'package.json'));
  // A refused request fails its block: curl exits 0 on an HTTP error unless told otherwise.
  writeFileSync(join(workspace, '.curl-fails'), 'curl() { command curl --fail-with-body "$@"; }\n');
}

/** Runs a script as a user would paste it; its output, or an error showing it if it failed. */
function runShell(workspace: string, name: string, script: string): string {
  const file = join(workspace, `.${name}.sh`);
  writeFileSync(file, script);
  const run = spawnSync('bash', ['-e', '-o', 'pipefail', file], {
    cwd: workspace,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      BASH_ENV: join(workspace, '.curl-fails'),
    },
    encoding: 'utf8',
    timeout: 40_000,
  });
  const output = `${run.stdout}${run.stderr}`;
  if (run.status !== 0) {
    throw new Error(
      `exit status ${run.status ?? run.signal} of\n${script}\n--- output:\n${output}`,
    );
  }
  return output;
}

/**
 * Every ```sh and ```bash block of the README, in order, each in its own `bash -e -o pipefail`
 * from the repository's root, against the built gateway on the embedded default; `:8443` becomes
 * the gateway's port (in the blocks and in the copies of examples/), nothing else changes. The
 * examples/ scripts run through the blocks that call them, and the commands `npm run demo`
 * prints are run too.
 */
describe('the README and examples/, run as written', () => {
  let workspace: string;
  let gateway: BuiltGateway;
  const outputs = new Map<number, string>();

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'passerelle-readme-'));
    gateway = await startBuiltGateway(join(workspace, 'data'));
    layOutWorkspace(workspace, gateway.port);
  });

  afterAll(async () => {
    await gateway?.stop();
    rmSync(workspace, { recursive: true, force: true });
  });

  it.each(runnable.map((block) => [block.line, block] as const))(
    'runs the block of README.md line %i',
    (line, block) => {
      const script = block.text.replace(DOCUMENTED_PORT, `:${gateway.port}`);
      outputs.set(line, runShell(workspace, `readme-${line}`, script));
    },
  );

  it('runs the commands the demo prints to look at what it pushed', () => {
    const demo = runnable.find((block) => block.text.includes('npm run demo'));
    const printed = [...(outputs.get(demo!.line) ?? '').matchAll(/^ {2}\$ (.+)$/gm)].map(
      (match) => match[1],
    );
    expect(printed.length).toBeGreaterThanOrEqual(3);
    for (const [index, command] of printed.entries()) {
      expect(runShell(workspace, `demo-${index}`, command)).not.toBe('');
    }
  });

  it('reads back what the examples pushed, size and SHA-1 as announced', () => {
    const all = [...outputs.values()].join('\n');
    expect(all).toContain("- Compte rendu d'échographie abdominale (18748-4, application/pdf)");
    expect(all).toContain(
      '- Lettre de liaison à la sortie (application/pdf), uniqueId 1.2.250.1.999.2.1.2',
    );
    expect(all).toContain('size and SHA-1 as announced');
    expect(all).not.toContain('NOT as announced');
  });
});

describe('the README keeps up with the repository', () => {
  it('exempts only blocks that say why, never the walk-throughs', () => {
    for (const block of shellBlocks.filter((shell) => shell.text.includes(NOT_RUN))) {
      expect(block.text).toMatch(new RegExp(`${NOT_RUN} \\S.{10,}`));
    }
    const run = runnable.map((block) => block.text).join('\n');
    expect(run).toContain('-d @examples/iti65-provide-bundle.json');
    expect(run).toContain('$G/oidc/token');
    expect(run).toContain('npm run demo');
  });

  it('runs every script of examples/, and uses every one of its requests', () => {
    const commands = [...runnable.map((block) => block.text), ...scripts].join('\n');
    const sources = EXAMPLES.filter((file) => file.endsWith('.mjs'))
      .map((file) => readFileSync(join(ROOT, 'examples', file), 'utf8'))
      .join('\n');
    for (const file of EXAMPLES) {
      if (file.endsWith('.mjs')) expect(commands).toContain(`examples/${file}`);
      else expect(`${commands}\n${sources}`).toContain(file);
    }
  });

  it('quotes examples/ verbatim in its JavaScript blocks', () => {
    const sources = EXAMPLES.filter((file) => file.endsWith('.mjs')).map((file) =>
      readFileSync(join(ROOT, 'examples', file), 'utf8'),
    );
    const excerpts = fencedBlocks(README).filter((block) => ['js', 'ts'].includes(block.language));
    expect(excerpts.length).toBeGreaterThan(0);
    for (const excerpt of excerpts) {
      expect({
        line: excerpt.line,
        quoted: sources.some((source) => source.includes(excerpt.text)),
      }).toEqual({
        line: excerpt.line,
        quoted: true,
      });
    }
  });

  it('documents every setting loadConfig reads in its configuration table', () => {
    const config = readFileSync(join(ROOT, 'libs/platform/src/config.ts'), 'utf8');
    const settings = new Set(
      [...config.matchAll(/\benv\.([A-Z][A-Z0-9_]+)|\(env, '([A-Z][A-Z0-9_]+)'/g)].map(
        (match) => match[1] ?? match[2],
      ),
    );
    const table = README.slice(
      README.indexOf('\n## Configuration\n'),
      README.indexOf('\n## ', README.indexOf('\n## Configuration\n') + 1),
    )
      .split('\n')
      .filter((row) => row.startsWith('| `'));
    expect(settings.size).toBeGreaterThan(20);
    for (const setting of settings) {
      expect({ setting, documented: table.some((row) => row.includes(`\`${setting}\``)) }).toEqual({
        setting,
        documented: true,
      });
    }
  });
});
