// npm start: the main job on an embedded default. Builds the control plane when it
// is not cached, starts it with KWOK nodes, and keeps it running until Ctrl-C,
// which stops everything it started. (The controller joins this loop once it
// exists: see the issues.)
import { startCluster } from "./cluster/cluster.js";

const cluster = await startCluster({ name: "local", nodes: 2, owner: process.pid });
console.log(`
The local control plane is running (Kubernetes ${cluster.binaries.kubernetesVersion}, 2 KWOK nodes).

  export KUBECONFIG=${cluster.kubeconfig}
  kubectl get nodes

Ctrl-C stops it.`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log("\nstopping the local control plane ...");
  await cluster.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
setInterval(() => undefined, 1 << 30);
