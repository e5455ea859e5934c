// The README's sample of what `npm run synth` prints is today's output for the default environment,
// folder by folder and kind by kind: a new folder or kind must reach the README with the change. The
// counts are left out, so adding a service (docs/how-to/adding-a-service.md) does not make it stale.
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
  const shape = (text: string) =>
    text
      .replace(/^done in .*$/m, '')
      .replace(/ +\d+ +/g, ' # ')
      .replace(/\d+/g, '#')
      .trim();
  expect(shape(sample!.text)).toBe(shape(printed));
});
