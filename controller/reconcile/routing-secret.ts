// One `<env>-routing` Secret per environment (DESIGN §3): 256 random bits per
// key, made once, never regenerated. The release state records that it was made,
// so the controller never reads a Secret (its ClusterRole may only create them):
// a create that finds it there already (409) means the same as one that made it.
import { randomBytes } from "node:crypto";
import type { V1Secret } from "@kubernetes/client-node";
import type { PlatformTarget } from "../render/input.js";
import { routingSecret } from "../render/release.js";

/** The environment's routing Secret with fresh random keys. */
export function newRoutingSecret(platform: PlatformTarget, environment: string): V1Secret {
  const key = () => randomBytes(32).toString("base64");
  return routingSecret(platform, environment, { public: key(), private: key() });
}
