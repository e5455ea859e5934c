// `npm run diff [-- --base <git ref>] [--env <name>|all] [--format text|markdown]`
// What would change on the deploy branch: the working tree's render against the rendered objects at
// a git ref (default: the deploy branch, `origin/deploy` or else `deploy`), object by object.
import { parseArgs } from 'node:util';
import { environments, platformConfig } from '../config';
import { diffObjects, formatMarkdown, formatText } from '../lib/object-diff';
import { appOf } from '../lib/manifest';
import { readRenderedRef, refExists } from '../lib/rendered-tree';
import { renderEnvironment } from '../lib/synth';

const USAGE = 'usage: npm run diff -- [--base <git ref>] [--env <name>|all]... [--format text|markdown]';

function main(argv: string[]): number {
  let values: { base?: string; env?: string[]; format?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { base: { type: 'string' }, env: { type: 'string', multiple: true }, format: { type: 'string', default: 'text' } },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.format !== 'text' && values.format !== 'markdown') {
    console.error(`--format must be text or markdown\n${USAGE}`);
    return 2;
  }
  const cwd = process.cwd();
  const requested = values.env ?? ['all'];
  const names = requested.includes('all') ? Object.keys(environments) : requested;
  const unknown = names.filter((n) => !environments[n]);
  if (unknown.length > 0) {
    console.error(`unknown environment(s): ${unknown.join(', ')} (known: ${Object.keys(environments).join(', ')})`);
    return 2;
  }

  let base = values.base;
  if (base !== undefined && !refExists(cwd, base)) {
    console.error(`--base ${base} is not a commit here (fetch it first, e.g. git fetch origin deploy)`);
    return 2;
  }
  base ??= ['origin/deploy', 'deploy'].find((ref) => refExists(cwd, ref));
  const format = values.format === 'markdown' ? formatMarkdown : formatText;
  if (!base) {
    console.log(values.format === 'markdown' ? '> No deploy branch yet: everything below is new.\n' : 'no deploy branch yet: everything is new');
  }

  for (const name of names) {
    const head = renderEnvironment(platformConfig(name)).manifests.map((m) => ({ app: appOf(m), object: m.object }));
    const before = base ? readRenderedRef(cwd, base, name) : [];
    process.stdout.write(format(`${name} (against ${base ?? 'nothing'})`, diffObjects(before, head)));
  }
  return 0;
}

// `npm run diff | head` closes the pipe early; that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});
process.exitCode = main(process.argv.slice(2));
