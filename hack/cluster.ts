// npm run cluster -- up [--kubeconfig FILE] [--nodes N] [--name NAME]
// npm run cluster -- down [--name NAME]
// npm run cluster -- status [--name NAME]
import { parseArgs } from "node:util";
import { clusterStatus, startCluster, stopCluster } from "./cluster/cluster.js";

const usage = `usage: npm run cluster -- up [--kubeconfig FILE] [--nodes N] [--name NAME]
       npm run cluster -- down [--name NAME]
       npm run cluster -- status [--name NAME]`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      kubeconfig: { type: "string" },
      nodes: { type: "string", default: "0" },
      name: { type: "string", default: "local" },
      help: { type: "boolean", short: "h" },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  const name = values.name;
  switch (command) {
    case "up": {
      const nodes = Number(values.nodes);
      if (!Number.isInteger(nodes) || nodes < 0)
        throw new Error(`--nodes must be a whole number, got ${values.nodes}`);
      const cluster = await startCluster({
        name,
        nodes,
        ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
      });
      console.log(cluster.kubeconfig);
      console.error(`export KUBECONFIG=${cluster.kubeconfig}   # then: kubectl get nodes`);
      return 0;
    }
    case "down": {
      const stopped = await stopCluster(name);
      console.error(
        stopped ? `hack: cluster ${name} stopped` : `hack: no cluster named ${name} runs`,
      );
      return 0;
    }
    case "status": {
      const status = await clusterStatus(name);
      if (!status) {
        console.log(`cluster ${name}: not running`);
        return 1;
      }
      console.log(`cluster ${name}: ${status.ready ? "ready" : "NOT ready"} at ${status.server}`);
      console.log(`kubeconfig: ${status.kubeconfig}`);
      for (const c of status.components)
        console.log(`  ${c.name.padEnd(24)} pid ${c.pid}  ${c.running ? "running" : "stopped"}`);
      return status.ready ? 0 : 1;
    }
    default:
      console.error(usage);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
