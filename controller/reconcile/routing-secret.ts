// One `<env>-routing` Secret per environment (DESIGN §3): 256 random bits per
// key, made once, never regenerated. The release state records that it was made,
// so the controller never reads a Secret (its ClusterRole may only create them):
// a create that finds it there already (409) means the same as one that made it.
import { randomBytes } from "node:crypto";
import type { V1Secret } from "@kubernetes/client-node";
import { labels, managedByValue } from "../cluster/labels.js";
import { routingSecretName } from "../render/release.js";
import type { PlatformTarget } from "../render/input.js";

export function routingSecret(platform: PlatformTarget, environment: string): V1Secret {
  const key = () => randomBytes(32).toString("base64");
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: routingSecretName(environment),
      namespace: platform.namespace,
      labels: {
        [labels.managedBy]: managedByValue,
        [labels.platform]: platform.name,
        [labels.environment]: environment,
        [labels.owner]: "routing",
      },
    },
    type: "Opaque",
    stringData: { "public-api-key": key(), "private-api-key": key() },
  };
}
