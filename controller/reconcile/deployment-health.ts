// Health of a component from its live Deployment, in the spirit of kstatus:
// Available with every replica updated is Ready; a rollout under way is
// Progressing; ProgressDeadlineExceeded is Degraded. This is the Deployment
// rule of objectHealth (object-health.ts) too; where it differs from kstatus's
// it is kept on purpose (see object-health.test.ts).
import type { V1Deployment } from "@kubernetes/client-node";
import type { State } from "../status/status.js";

export interface Health {
  state: State;
  replicas: string;
  message?: string;
}

export function deploymentHealth(live: V1Deployment | undefined): Health {
  if (!live) return { state: "Progressing", replicas: "0/0", message: "not created yet" };
  const want = live.spec?.replicas ?? 1;
  const s = live.status ?? {};
  const replicas = `${s.readyReplicas ?? 0}/${want}`;
  const generation = live.metadata?.generation ?? 0;
  if ((s.observedGeneration ?? 0) < generation) {
    return {
      state: "Progressing",
      replicas,
      message: "the controller has not seen the new spec yet",
    };
  }
  const progressing = s.conditions?.find((c) => c.type === "Progressing");
  if (progressing?.status === "False" && progressing.reason === "ProgressDeadlineExceeded") {
    return {
      state: "Degraded",
      replicas,
      message: progressing.message ?? "rollout exceeded its progress deadline",
    };
  }
  const updated = s.updatedReplicas ?? 0;
  const available = s.availableReplicas ?? 0;
  const total = s.replicas ?? 0;
  if (updated < want)
    return { state: "Progressing", replicas, message: `${updated} of ${want} replicas updated` };
  if (total > updated)
    return {
      state: "Progressing",
      replicas,
      message: `${total - updated} old replicas terminating`,
    };
  if (available < want)
    return {
      state: "Progressing",
      replicas,
      message: `${available} of ${want} replicas available`,
    };
  const availableCond = s.conditions?.find((c) => c.type === "Available");
  if (availableCond && availableCond.status !== "True") {
    return { state: "Degraded", replicas, message: availableCond.message ?? "not available" };
  }
  return { state: "Ready", replicas };
}
