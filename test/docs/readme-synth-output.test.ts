// The README's sample of what `npm run synth` prints is today's output for the default environment
// (only the time differs): a new object kind or count must reach the README with the change.
import { defaultEnvironment, platformConfig } from '../../config';
import { synthSummary } from '../../synth/synth-summary';
import { codeBlocks, readDoc } from '../support/docs';
import { rendered } from '../support/helpers';

test("the README's sample synth output is what synth prints now", () => {
  const sample = codeBlocks(readDoc('README.md')).find((block) => block.text.startsWith(`${defaultEnvironment}: `));
  expect(sample).toBeDefined();
  const environment = platformConfig(defaultEnvironment).environment.name;
  const printed = synthSummary({
    environment,
    ...rendered(environment),
    directories: { dist: `dist/${environment}`, argocd: `argocd/${environment}` },
    warnings: 0,
    // The sample shows a fresh clone: argocd/ is committed, dist/ is not.
    unchanged: [`argocd/${environment}`],
  });
  const withoutTime = (text: string) => text.replace(/^done in .*$/m, '').trim();
  expect(withoutTime(sample!.text)).toBe(withoutTime(printed));
});
