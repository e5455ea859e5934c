//go:build tools

// Keeps the commands we build in go.mod and go.sum: `go build` takes them from the module cache.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
)
