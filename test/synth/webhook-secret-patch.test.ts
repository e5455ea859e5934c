// The text of the merge patch the render writes next to the Argo CD bootstrap (argocd/<env>/patches/).
import { parse } from 'yaml';
import { webhookSecretPatch } from '../../synth/webhook-secret-patch';

describe('webhookSecretPatch', () => {
  const text = webhookSecretPatch(
    { name: 'github-webhook', keys: ['secret', 'other'], description: 'Webhook', namespace: 'argocd' },
    'argocd/prod/patch.yaml',
  );

  test('points webhook.github.secret at the first key of the outside Secret, never at a value', () => {
    expect(parse(text)).toEqual({ stringData: { 'webhook.github.secret': '$github-webhook:secret' } });
  });

  test("its header names the Secret and the kubectl command that applies it, with the Secret's namespace and the patch path", () => {
    expect(text.split('\n').slice(0, 3)).toEqual([
      '# Where Argo CD finds the GitHub webhook secret: a reference to the Secret github-webhook,',
      '# which an operator creates outside git. Apply once per cluster:',
      '#   kubectl patch secret argocd-secret --namespace argocd --type merge --patch-file argocd/prod/patch.yaml',
    ]);
  });
});
