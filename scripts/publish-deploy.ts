// `npm run publish:deploy -- --branch deploy [--remote origin] [--env <name>|all]... [--dist dist]`
// Commits dist/<env>/ to <env>/ on the deploy branch and pushes it, one commit per environment
// that changed (see tooling/publish.ts), and only when dist/<env>/ is exactly HEAD's render
// (tooling/render-check.ts): every environment is checked before any is published.
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { platformConfig } from '../config';
import { ENV_OPTION, envUsage, selectEnvironments } from '../tooling/environment-args';
import { publish } from '../tooling/publish';
import { renderProblem } from '../tooling/render-check';
import { distFiles, renderEnvironment } from '../synth/synth';

const USAGE = `usage: npm run publish:deploy -- --branch <deploy branch> [--remote origin] [--env <name>|all]... [--dist dist]
  --branch      the branch to commit <env>/ to (never main, master or the checked-out branch)
  --remote      where to push it (default: origin)
${envUsage()}
  --dist        the folder synth wrote (default: dist); <dist>/<env>/ must be HEAD's render:
                commit, then \`npm run synth\` with the same --env, then publish`;

function main(argv: string[]): number {
  let values: { branch?: string; remote?: string; env?: string[]; dist?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        branch: { type: 'string' },
        remote: { type: 'string', default: 'origin' },
        ...ENV_OPTION,
        dist: { type: 'string', default: 'dist' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.branch) {
    console.error(`--branch is required\n${USAGE}`);
    return 2;
  }
  const { names, problems } = selectEnvironments(values.env);
  if (problems.length > 0) {
    for (const problem of problems) console.error(`error   ${problem}`);
    return 2;
  }
  const repository = process.cwd();
  const distDir = resolve(values.dist ?? 'dist');
  try {
    // All or nothing: a refused environment must not leave the others published from this run.
    const refusals = names.flatMap((environment) => {
      const config = platformConfig(environment);
      const problem = renderProblem({
        repository,
        distDir,
        environment,
        render: (source) => {
          const result = renderEnvironment(config);
          const errors = result.findings.filter((f) => f.severity === 'error').length;
          if (errors > 0)
            throw new Error(
              `${environment}: HEAD's config fails synth's checks (${errors} error(s)): run \`npm run synth -- --env ${environment}\` to see them`,
            );
          return distFiles(config, result, source);
        },
      });
      return problem ? [problem] : [];
    });
    if (refusals.length > 0) {
      for (const refusal of refusals) console.error(`error   ${refusal}`);
      console.error('publish refused; nothing was pushed');
      return 1;
    }
    for (const environment of names) {
      const result = publish({
        repository,
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
