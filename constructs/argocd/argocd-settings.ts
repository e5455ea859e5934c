import { Construct } from 'constructs';
import { k8s } from '../k8s';

export interface ArgoCdSettingsProps {
  readonly argocdNamespace: string;
  /** `timeout.reconciliation`, e.g. `60s`. */
  readonly reconciliationTimeout: string;
  /** `timeout.reconciliation.jitter`, e.g. `10s`. */
  readonly reconciliationJitter: string;
}

/**
 * A health check for Application resources, so a parent app of apps waits in each sync wave until
 * its child Applications are healthy (Argo CD removed the built-in one in 1.8).
 */
export const APPLICATION_HEALTH_LUA = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
`;

/**
 * Argo CD's own settings (`argocd-cm`): the polling interval that backs up the GitHub webhook and the
 * Application health check. The labels are Argo CD's, as in its install manifest, so applying this
 * over the installed ConfigMap changes only the data.
 */
export class ArgoCdSettings extends Construct {
  constructor(scope: Construct, id: string, props: ArgoCdSettingsProps) {
    super(scope, id);
    new k8s.KubeConfigMap(this, 'argocd-cm', {
      metadata: {
        name: 'argocd-cm',
        namespace: props.argocdNamespace,
        labels: { 'app.kubernetes.io/name': 'argocd-cm', 'app.kubernetes.io/part-of': 'argocd' },
      },
      data: {
        'timeout.reconciliation': props.reconciliationTimeout,
        'timeout.reconciliation.jitter': props.reconciliationJitter,
        'resource.customizations.health.argoproj.io_Application': APPLICATION_HEALTH_LUA,
      },
    });
  }
}
