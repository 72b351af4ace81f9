// `platform/{name}/topology`: the graph behind a platform, system → apps →
// components → the Kubernetes objects that run each (controller/status/topology.ts).
import type { FromSchema } from "json-schema-to-ts";
import { commit, count, flag, list, replicas, text } from "../status/fields.js";
import { stateSchema } from "../status/state.js";

export const podNodeSchema = {
  type: "object",
  additionalProperties: false,
  description: "a pod of a ReplicaSet",
  required: ["name", "phase", "ready", "restarts"],
  properties: {
    name: text("its name"),
    phase: text("its phase (Pending, Running, Succeeded, Failed, Unknown)"),
    ready: flag("whether its Ready condition is True"),
    restarts: count("restarts of its containers, summed"),
    node: text("the node it runs on, once scheduled"),
  },
} as const;

const replicaSetNode = {
  type: "object",
  additionalProperties: false,
  description: "a ReplicaSet of a Deployment",
  required: ["name", "replicas", "readyReplicas", "pods"],
  properties: {
    name: text("its name"),
    revision: text("the Deployment's revision this ReplicaSet holds"),
    replicas: count("its replicas"),
    readyReplicas: count("its ready replicas"),
    pods: list(podNodeSchema, "its pods, by name"),
  },
} as const;

export const deploymentNodeSchema = {
  type: "object",
  additionalProperties: false,
  description: "a Deployment of a component, with its ReplicaSets, the live one first",
  required: ["name", "replicas", "replicaSets"],
  properties: {
    name: text("its name"),
    ref: text("the ref it was applied for (its kubefox.io/ref annotation)"),
    commit: commit("its kubefox.io/commit label: the commit its content last changed at"),
    environment: text("the environment of a release's Deployment"),
    state: { ...stateSchema, description: "its health as the platform's status has it" },
    replicas: replicas("ready replicas over desired, e.g. 2/2"),
    replicaSets: list(replicaSetNode, "its ReplicaSets, the live one first, then older ones"),
  },
} as const;

export const serviceNodeSchema = {
  type: "object",
  additionalProperties: false,
  description: "a Service of a component",
  required: ["name", "type", "ports"],
  properties: {
    name: text("its name"),
    type: text("ClusterIP, NodePort or LoadBalancer"),
    ports: list(
      {
        type: "object",
        additionalProperties: false,
        required: ["port"],
        properties: {
          name: text("the port's name"),
          port: { type: "integer", description: "the Service's port" },
          nodePort: { type: "integer", description: "the node port, for a NodePort Service" },
        },
      },
      "its ports",
    ),
  },
} as const;

export const ingressNodeSchema = {
  type: "object",
  additionalProperties: false,
  description: "an Ingress",
  required: ["name", "hosts"],
  properties: {
    name: text("its name"),
    environment: text("the environment of a release's Ingress"),
    hosts: {
      type: "array",
      items: { type: "string" },
      description: "the hosts its rules serve",
    },
  },
} as const;

export const topologySchema = {
  type: "object",
  additionalProperties: false,
  description: "system → apps → components → Deployments, ReplicaSets, Pods, Services, Ingresses",
  required: ["kind", "platform", "namespace", "system", "apps", "ingresses"],
  properties: {
    kind: { const: "Topology", description: "always Topology" },
    platform: text("the platform's name"),
    namespace: text("its namespace"),
    system: text("the system it runs"),
    apps: list(
      {
        type: "object",
        additionalProperties: false,
        required: ["name", "components"],
        properties: {
          name: text("the app's name"),
          components: list(
            {
              type: "object",
              additionalProperties: false,
              required: ["name", "deployments", "services", "ingresses"],
              properties: {
                name: text("the component's name"),
                deployments: list(
                  deploymentNodeSchema,
                  "its Deployments (one per deployment or release version)",
                ),
                services: list(serviceNodeSchema, "its Services"),
                ingresses: list(ingressNodeSchema, "Ingresses that route to it"),
              },
            },
            "its components, by name",
          ),
        },
      },
      "the apps, by name",
    ),
    ingresses: list(
      ingressNodeSchema,
      "Ingresses of the platform that belong to no one component (a release's)",
    ),
  },
} as const;

export type Topology = FromSchema<typeof topologySchema>;
export type PodNode = FromSchema<typeof podNodeSchema>;
export type ReplicaSetNode = FromSchema<typeof replicaSetNode>;
export type DeploymentNode = FromSchema<typeof deploymentNodeSchema>;
export type ServiceNode = FromSchema<typeof serviceNodeSchema>;
export type IngressNode = FromSchema<typeof ingressNodeSchema>;
