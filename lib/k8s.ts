// The single import of cdk8s-plus: its generated `k8s` bindings (Kubernetes 1.27 API types) are the
// typed L1 constructs every chart uses. Moving to a newer cdk8s-plus-3x is a change to this line.
export { k8s } from 'cdk8s-plus-27';
