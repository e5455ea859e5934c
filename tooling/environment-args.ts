// `--env <name>|all`, the same for every command that reads or writes rendered environments (synth,
// diff, publish:deploy): repeatable, `all` is every environment config/index.ts knows, and without
// the option a command works on config/index.ts's `defaultEnvironment`. One place, so the commands
// can never disagree about which environments a plain `npm run <command>` covers.
import { defaultEnvironment, environments } from '../config';

/** The parseArgs option. */
export const ENV_OPTION = { env: { type: 'string', multiple: true } } as const;

/** The usage line for `--env`, aligned with the other options of a usage text (`  --env         …`). */
export function envUsage(width = 14): string {
  const known = Object.keys(environments).join(', ');
  return (
    `  ${'--env'.padEnd(width)}environment(s), repeatable (default: ${defaultEnvironment}; known: ${known}; all: every one);\n` +
    `  ${''.padEnd(width)}the same default and choices in synth, diff and publish:deploy`
  );
}

export interface EnvironmentSelection {
  /** The environments selected, in config order for `all`, else in the order given, without repeats. */
  readonly names: readonly string[];
  /** One line per unknown name; the command exits 2 when there is any. */
  readonly problems: readonly string[];
}

/** Resolves the values of `--env` (undefined when it was not given). */
export function selectEnvironments(requested: readonly string[] | undefined): EnvironmentSelection {
  const known = Object.keys(environments);
  const given = requested && requested.length > 0 ? requested : [defaultEnvironment];
  if (given.includes('all')) return { names: known, problems: [] };
  const names = [...new Set(given)];
  const problems = names
    .filter((name) => !Object.hasOwn(environments, name))
    .map((name) => `unknown environment "${name}" (config/index.ts knows: ${known.join(', ')}; or all)`);
  return { names: problems.length > 0 ? [] : names, problems };
}
