// npm run controlplane:build: builds (or finds in the cache) the local control plane.
import { ensureControlPlane } from "./build.js";

ensureControlPlane().then(
  (b) => {
    console.log(b.dir);
    console.error(
      `kubernetes ${b.kubernetesVersion}, etcd ${b.etcdVersion}, kwok ${b.kwokVersion}`,
    );
  },
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
