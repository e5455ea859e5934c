// The body of `npm run publish:deploy` (scripts/publish-deploy.ts), writing through a CommandOutput
// so the tests can run it in-process.
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { platformConfig } from '../config';
import { ENV_OPTION, envUsage, selectEnvironments } from './environment-args';
import { publish } from './publish';
import { renderProblem } from './render-check';
import { renderEnvironment } from '../synth/synth';
import { distFiles } from '../synth/write-environment';
import type { CommandOutput } from './command-output';

const USAGE = `usage: npm run publish:deploy -- --branch <deploy branch> [--remote origin] [--env <name>|all]... [--dist dist]
  --branch      the branch to commit <env>/ to (never main, master or the checked-out branch)
  --remote      where to push it (default: origin)
${envUsage()}
  --dist        the folder synth wrote (default: dist); <dist>/<env>/ must be HEAD's render:
                commit, then \`npm run synth\` with the same --env, then publish`;

/** Where the command runs: the checkout, and GitHub Actions' step output file when there is one. */
export interface PublishContext {
  readonly cwd: string;
  readonly githubOutput?: string;
}

/** The command: its exit code (0 published or nothing to publish, 1 refused or failed, 2 a usage error). */
export function publishCommand(argv: readonly string[], out: CommandOutput, { cwd, githubOutput }: PublishContext): number {
  let values: { branch?: string; remote?: string; env?: string[]; dist?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        branch: { type: 'string' },
        remote: { type: 'string', default: 'origin' },
        ...ENV_OPTION,
        dist: { type: 'string', default: 'dist' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    out.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out.log(USAGE);
    return 0;
  }
  if (!values.branch) {
    out.error(`--branch is required\n${USAGE}`);
    return 2;
  }
  const { names, problems } = selectEnvironments(values.env);
  if (problems.length > 0) {
    for (const problem of problems) out.error(`error   ${problem}`);
    return 2;
  }
  const repository = cwd;
  const distDir = resolve(cwd, values.dist ?? 'dist');
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
      for (const refusal of refusals) out.error(`error   ${refusal}`);
      out.error('publish refused; nothing was pushed');
      return 1;
    }
    for (const environment of names) {
      const result = publish({
        repository,
        remote: values.remote ?? 'origin',
        branch: values.branch,
        environment,
        distDir,
        log: (line) => out.log(line),
      });
      // In GitHub Actions, later steps read what happened.
      if (githubOutput) {
        appendFileSync(githubOutput, `${environment}-status=${result.status}\n${environment}-commit=${result.commit}\n`);
      }
    }
    return 0;
  } catch (error) {
    out.error(`error   ${(error as Error).message}`);
    return 1;
  }
}
