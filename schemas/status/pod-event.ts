// `event: pod` on the events stream: a pod of one of this controller's
// platforms was created, became ready, restarted or was deleted.
import type { FromSchema } from "json-schema-to-ts";
import { commit, count, flag, text, time } from "./fields.js";

export const podChangeSchema = {
  enum: ["created", "ready", "restarted", "deleted"],
  description: "what happened to the pod",
} as const;

export type PodChange = FromSchema<typeof podChangeSchema>;

export const podEventSchema = {
  type: "object",
  additionalProperties: false,
  description: "a managed pod was created, became ready, restarted or was deleted",
  required: ["time", "change", "namespace", "name", "phase", "ready", "restarts"],
  properties: {
    time: time("when the watch saw it"),
    change: podChangeSchema,
    namespace: text("the pod's namespace"),
    name: text("the pod's name"),
    platform: text("its kubefox.io/platform label"),
    app: text("its kubefox.io/app label"),
    component: text("its kubefox.io/component label"),
    ref: text("its kubefox.io/ref annotation"),
    commit: commit("its kubefox.io/commit label: the commit its pod template last changed at"),
    phase: text("the pod's phase (Pending, Running, Succeeded, Failed, Unknown)"),
    ready: flag("whether its Ready condition is True"),
    restarts: count("restarts of its containers, summed"),
    node: text("the node it runs on, once scheduled"),
  },
} as const;

export type PodEventData = FromSchema<typeof podEventSchema>;
