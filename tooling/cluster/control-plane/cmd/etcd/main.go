// etcd at the version kube-apiserver was released with (go.mod), so the pair is one tested release.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
