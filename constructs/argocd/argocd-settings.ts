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
 * its child Applications are done (Argo CD removed the built-in one in 1.8). A child is Healthy only
 * when it is Healthy and Synced. Degraded becomes Progressing, with the child's message: on a fresh
 * cluster children are briefly Degraded (Prometheus before its pod is ready, HPAs before
 * metrics-server has data), and Argo CD fails a whole sync the moment one of its tasks turns
 * Degraded. Argo CD runs this with gopher-lua (Lua 5.1); test/constructs/argocd/argocd-settings
 * runs it on the child states that matter.
 */
export const APPLICATION_HEALTH_LUA = `hs = {}
hs.status = "Progressing"
hs.message = "waiting for the child Application's status"
if obj.status ~= nil and obj.status.health ~= nil then
  local health = obj.status.health.status
  local message = obj.status.health.message or ""
  local sync = "Unknown"
  if obj.status.sync ~= nil and obj.status.sync.status ~= nil then
    sync = obj.status.sync.status
  end
  if health == "Healthy" and sync == "Synced" then
    hs.status = "Healthy"
    hs.message = message
  elseif health == "Degraded" then
    hs.message = "child Degraded, waiting for it to recover: " .. message
  elseif health == "Healthy" then
    hs.message = "child Healthy but " .. sync
  else
    hs.message = "child " .. tostring(health) .. ": " .. message
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
