// The kubernetes-models classes of the kinds the platform renders, behind static `require` calls so
// the bundler packs their validators into build/: synth validates every object on every run, and
// resolving their few hundred modules from node_modules one by one is a large part of a short run.
// Any other kind (e.g. in `npm run validate` of someone else's YAML) is loaded on demand by path.
// test/validation/schema.test.ts fails when a rendered kind is missing here.

/** `apiVersion/kind` → a loader of its kubernetes-models class. */
export const BUNDLED_MODELS: Readonly<Record<string, () => unknown>> = {
  'v1/ConfigMap': () => require('kubernetes-models/v1/ConfigMap').ConfigMap,
  'v1/Namespace': () => require('kubernetes-models/v1/Namespace').Namespace,
  'v1/ResourceQuota': () => require('kubernetes-models/v1/ResourceQuota').ResourceQuota,
  'v1/Secret': () => require('kubernetes-models/v1/Secret').Secret,
  'v1/Service': () => require('kubernetes-models/v1/Service').Service,
  'v1/ServiceAccount': () => require('kubernetes-models/v1/ServiceAccount').ServiceAccount,
  'apps/v1/Deployment': () => require('kubernetes-models/apps/v1/Deployment').Deployment,
  'apps/v1/StatefulSet': () => require('kubernetes-models/apps/v1/StatefulSet').StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': () =>
    require('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler').HorizontalPodAutoscaler,
  'batch/v1/CronJob': () => require('kubernetes-models/batch/v1/CronJob').CronJob,
  'networking.k8s.io/v1/NetworkPolicy': () => require('kubernetes-models/networking.k8s.io/v1/NetworkPolicy').NetworkPolicy,
  'policy/v1/PodDisruptionBudget': () => require('kubernetes-models/policy/v1/PodDisruptionBudget').PodDisruptionBudget,
};
