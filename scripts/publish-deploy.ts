// `npm run publish:deploy -- --branch deploy [--remote origin] [--env prod|all]... [--dist dist]`
// Commits dist/<env>/ to <env>/ on the deploy branch and pushes it, one commit per environment
// that changed (see lib/publish.ts).
import { appendFileSync, existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { publish } from '../lib/publish';

const USAGE = 'usage: npm run publish:deploy -- --branch <deploy branch> [--remote origin] [--env prod|all]... [--dist dist]';

function main(argv: string[]): number {
  let values: { branch?: string; remote?: string; env?: string[]; dist?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        branch: { type: 'string' },
        remote: { type: 'string', default: 'origin' },
        env: { type: 'string', multiple: true, default: ['prod'] },
        dist: { type: 'string', default: 'dist' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!values.branch) {
    console.error(`--branch is required\n${USAGE}`);
    return 2;
  }
  const distDir = resolve(values.dist ?? 'dist');
  const requested = values.env ?? ['prod'];
  // `all`: every environment folder synth wrote.
  const environments = requested.includes('all') && existsSync(distDir) ? readdirSync(distDir).filter((d) => !d.startsWith('.')).sort() : requested;
  try {
    for (const environment of environments) {
      const result = publish({
        repository: process.cwd(),
        remote: values.remote ?? 'origin',
        branch: values.branch,
        environment,
        distDir,
        log: (line) => console.log(line),
      });
      // In GitHub Actions, later steps read what happened.
      if (process.env.GITHUB_OUTPUT) {
        appendFileSync(process.env.GITHUB_OUTPUT, `${environment}-status=${result.status}\n${environment}-commit=${result.commit}\n`);
      }
    }
    return 0;
  } catch (error) {
    console.error(`error   ${(error as Error).message}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
