// The single import of cdk8s-plus: its generated `k8s` bindings (Kubernetes 1.27 API types) are the
// typed L1 constructs every chart uses. Moving to a newer cdk8s-plus-3x is a change to this line.
// The bindings' own module, not the package index: the index also loads every L2 construct, which
// no chart uses and every run would pay for.
export * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
