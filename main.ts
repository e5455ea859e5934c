// `npm run synth [-- --env <name>|all ...] [--out <dir>] [--argocd-out <dir>]`: renders, validates
// and writes dist/<env>/<app>/<kind>-<name>.yaml and the Argo CD bootstrap argocd/<env>/. Every
// environment is rendered and checked before any is written, so a refused run changes nothing.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { platformConfig } from './config';
import { ENV_OPTION, envUsage, selectEnvironments } from './tooling/environment-args';
import { sourceRevision } from './synth/source-revision';
import type * as Synth from './synth/synth';
import type * as WriteEnvironment from './synth/write-environment';
import type * as SynthSummary from './synth/synth-summary';
import { countBySeverity, formatFinding } from './validation/finding';

const USAGE = `usage: npm run synth -- [--env <name>|all]... [--out <dir>] [--argocd-out <dir>]
${envUsage()}
  --out         folder for the rendered apps (default: dist)
  --argocd-out  folder for the Argo CD bootstrap (default: argocd)`;

async function main(argv: string[]): Promise<number> {
  let values: { env?: string[]; out?: string; 'argocd-out'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        ...ENV_OPTION,
        out: { type: 'string', default: 'dist' },
        'argocd-out': { type: 'string', default: 'argocd' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const started = performance.now();
  // The source is the checkout holding this code (bundled or not), wherever the output goes. Git
  // starts before the renderer is loaded: starting a process is cheapest while this one is small,
  // and git then runs while the code loads and the environments render.
  const source = sourceRevision(__dirname);
  const { renderEnvironment } = require('./synth/synth') as typeof Synth;
  const { immutableChangesSince, writeEnvironment } = require('./synth/write-environment') as typeof WriteEnvironment;
  const { synthSummary } = require('./synth/synth-summary') as typeof SynthSummary;
  const { names, problems } = selectEnvironments(values.env);
  if (problems.length > 0) {
    for (const problem of problems) console.error(`error   ${problem}`);
    return 2;
  }
  const configs = names.map((name) => platformConfig(name));

  const roots = { dist: values.out ?? 'dist', argocd: values['argocd-out'] ?? 'argocd' };
  // Check everything first: one bad environment must not leave another half-updated. That includes
  // updates the API server would refuse, against the render dist/ holds now.
  const results = configs.map((config) => {
    const rendered = renderEnvironment(config);
    const result = {
      ...rendered,
      findings: [...rendered.findings, ...immutableChangesSince(join(roots.dist, config.environment.name), rendered)],
    };
    return { config, result, ...countBySeverity(result.findings) };
  });
  let refused = false;
  for (const { config, result, errors, warnings } of results) {
    for (const finding of result.findings) console.error(`${config.environment.name}: ${formatFinding(finding)}`);
    if (errors > 0) {
      console.error(`${config.environment.name}: ${errors} error(s), ${warnings} warning(s)`);
      refused = true;
    }
  }
  if (refused) {
    console.error(`synth refused; ${values.out}/ and ${values['argocd-out']}/ left unchanged`);
    return 1;
  }

  const revision = await source;
  for (const { config, result, warnings } of results) {
    const written = writeEnvironment(config, result, roots, revision);
    console.log(synthSummary({ environment: config.environment.name, ...written, warnings }));
  }
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
