// A platform file as rendering sees it: where its objects go and what its policy allows.
import type { PlatformDoc } from "../../schemas/platform.js";
import type { PlatformTarget } from "./input.js";

export function platformTarget(name: string, doc: PlatformDoc): PlatformTarget {
  const { policy } = doc.spec;
  return {
    name,
    namespace: doc.spec.namespace,
    policy: {
      allowPrivileged: policy.allowPrivileged,
      allowHostNetwork: policy.allowHostNetwork,
      allowHostPID: policy.allowHostPID,
      allowHostPath: policy.allowHostPath,
    },
  };
}
