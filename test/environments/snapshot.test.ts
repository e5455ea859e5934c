// One snapshot per chart (Argo CD Application) per environment: the rendered YAML exactly as it is
// written to dist/. A snapshot change is a change of output; say why in the commit message.
import { appOf } from '../../validation/manifest';
import { manifestYaml } from '../../synth/manifest-yaml';
import { environmentNames, rendered } from '../support/helpers';

describe.each(environmentNames)('environment %s', (environment) => {
  const { manifests } = rendered(environment);
  const apps = [...new Set(manifests.map(appOf))];

  test.each(apps)('chart %s renders as before', (app) => {
    const text = manifests
      .filter((m) => appOf(m) === app)
      .map((m) => `--- ${m.file}\n${manifestYaml(m)}`)
      .join('');
    expect(text).toMatchSnapshot();
  });
});
