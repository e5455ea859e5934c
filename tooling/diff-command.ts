// The body of `npm run diff` (scripts/diff.ts): what would change on the deploy branch, writing
// through a CommandOutput so the tests can run it in-process.
import { parseArgs } from 'node:util';
import { platformConfig } from '../config';
import { delivery } from '../config/delivery';
import { ENV_OPTION, envUsage, selectEnvironments } from './environment-args';
import { diffObjects, formatMarkdown, formatText } from './object-diff';
import { readRenderedRef, refExists, renderedPathsAt } from './rendered-tree';
import { renderEnvironment } from '../synth/synth';
import type { CommandOutput } from './command-output';

/** Where the deploy branch is looked for, in order, when --base is not given. */
const DEPLOY_REFS = [`origin/${delivery.deployBranch}`, delivery.deployBranch];
const FETCH_DEPLOY = `git fetch origin ${delivery.deployBranch}`;

const USAGE = `usage: npm run diff -- [--base <git ref>] [--env <name>|all]... [--format text|markdown]
  --base        a commit holding rendered <env>/ folders (default: the deploy branch, ${DEPLOY_REFS.join(' or else ')});
                a source commit such as HEAD holds none (dist/ is not committed) and is refused
${envUsage()}
  --format      text (default) or markdown (for a job summary)`;

/** The command, run in `cwd`: its exit code (0 done, 2 a usage error or a base that holds no render). */
export function diffCommand(argv: readonly string[], out: CommandOutput, cwd: string): number {
  let values: { base?: string; env?: string[]; format?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        base: { type: 'string' },
        ...ENV_OPTION,
        format: { type: 'string', default: 'text' },
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
  if (values.format !== 'text' && values.format !== 'markdown') {
    out.error(`--format must be text or markdown\n${USAGE}`);
    return 2;
  }
  const markdown = values.format === 'markdown';
  const { names, problems } = selectEnvironments(values.env);
  if (problems.length > 0) {
    for (const problem of problems) out.error(`error   ${problem}`);
    return 2;
  }
  let base = values.base;
  if (base !== undefined) {
    if (!refExists(cwd, base)) {
      out.error(`--base ${base} is not a commit here (fetch it first, e.g. ${FETCH_DEPLOY})`);
      return 2;
    }
    // A ref without any render would report every object as added: a wrong answer, not a diff. A
    // ref that holds some of the environments compares those, and says which it has not yet.
    const missing = names.filter((name) => renderedPathsAt(cwd, base!, name).length === 0);
    if (missing.length === names.length) {
      const looked = missing.map((name) => `${name}/<app>/*.yaml`).join(', ');
      out.error(
        `--base ${base} holds no rendered tree: looked for ${looked} at ${base} and found none. ` +
          `Source commits hold no render (dist/ is not committed): compare with the deploy branch (${DEPLOY_REFS.join(' or ')}, the default)` +
          `${names.length > 1 ? `, or choose environments it has with --env` : ''}`,
      );
      return 2;
    }
  }
  base ??= DEPLOY_REFS.find((ref) => refExists(cwd, ref));
  const format = markdown ? formatMarkdown : formatText;
  if (!base) {
    const tried = DEPLOY_REFS.join(', ');
    out.log(
      markdown
        ? `> No deploy branch yet (tried ${DEPLOY_REFS.map((r) => `\`${r}\``).join(', ')}): everything below is new. If the remote has one, fetch it: \`${FETCH_DEPLOY}\`.\n`
        : `no deploy branch yet (tried ${tried}): everything is new. If the remote has one, fetch it: ${FETCH_DEPLOY}`,
    );
  }

  for (const name of names) {
    const head = renderEnvironment(platformConfig(name)).manifests;
    const before = base ? readRenderedRef(cwd, base, name) : [];
    // The deploy branch exists but has never held this environment: a first publish of it.
    const against = !base ? 'nothing' : before.length === 0 ? `${base}, which has no ${name}/ yet` : base;
    out.log(format(`${name} (against ${against})`, diffObjects(before, head)).replace(/\n$/, ''));
  }
  return 0;
}
