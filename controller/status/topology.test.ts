import type {
  V1Deployment,
  V1Ingress,
  V1Pod,
  V1ReplicaSet,
  V1Service,
} from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { topologySchema } from "../../schemas/api/topology.js";
import { schemaProblems } from "../../schemas/validate.test-support.js";
import { buildTopology } from "./topology.js";

const labels = (app: string, component: string) => ({
  "app.kubernetes.io/managed-by": "kubefox-gitops",
  "kubefox.io/platform": "dev",
  "kubefox.io/app": app,
  "kubefox.io/component": component,
  "kubefox.io/commit": "a".repeat(40),
});
const owner = (uid: string) => [
  { apiVersion: "apps/v1", kind: "X", name: uid, uid, controller: true },
];

const deployment: V1Deployment = {
  metadata: {
    name: "shop-branch-main-store-web",
    uid: "d1",
    labels: labels("store", "web"),
    annotations: { "kubefox.io/ref": "branch/main" },
  },
  spec: { replicas: 2, selector: {}, template: {} },
  status: { readyReplicas: 1 },
};
const rs = (name: string, uid: string, revision: string, replicas: number): V1ReplicaSet => ({
  metadata: {
    name,
    uid,
    labels: labels("store", "web"),
    ownerReferences: owner("d1"),
    annotations: { "deployment.kubernetes.io/revision": revision },
  },
  spec: { selector: {} },
  status: { replicas, readyReplicas: replicas },
});
const pod = (name: string, rsUid: string, ready: boolean, restarts = 0): V1Pod => ({
  metadata: { name, uid: name, labels: labels("store", "web"), ownerReferences: owner(rsUid) },
  spec: { containers: [], nodeName: "node-0" },
  status: {
    phase: "Running",
    conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    containerStatuses: [
      { name: "web", restartCount: restarts, image: "", imageID: "", ready },
    ] as never,
  },
});
const service: V1Service = {
  metadata: { name: "shop-branch-main-store-web", labels: labels("store", "web") },
  spec: { type: "ClusterIP", ports: [{ name: "http", port: 8080 }] },
};
const ingress: V1Ingress = {
  metadata: { name: "prod", labels: { "kubefox.io/environment": "prod" } },
  spec: { rules: [{ host: "shop.example.com" }, { host: "shop.example.com" }] },
};

describe("buildTopology", () => {
  it("hangs ReplicaSets under their Deployment and Pods under their ReplicaSet, newest revision first", () => {
    const topology = buildTopology({
      platform: "dev",
      namespace: "shop-dev",
      system: "shop",
      deployments: [deployment],
      replicaSets: [rs("web-old", "r1", "1", 0), rs("web-new", "r2", "2", 2)],
      pods: [
        pod("web-new-b", "r2", false),
        pod("web-new-a", "r2", true, 3),
        pod("stray", "r9", true),
      ],
      services: [service],
      ingresses: [ingress],
      health: [
        {
          app: "store",
          component: "web",
          deployment: "shop-branch-main-store-web",
          state: "Progressing",
          replicas: "1/2",
        },
      ],
    });
    expect(topology).toEqual({
      kind: "Topology",
      platform: "dev",
      namespace: "shop-dev",
      system: "shop",
      apps: [
        {
          name: "store",
          components: [
            {
              name: "web",
              deployments: [
                {
                  name: "shop-branch-main-store-web",
                  ref: "branch/main",
                  commit: "a".repeat(40),
                  state: "Progressing",
                  replicas: "1/2",
                  replicaSets: [
                    {
                      name: "web-new",
                      revision: "2",
                      replicas: 2,
                      readyReplicas: 2,
                      pods: [
                        {
                          name: "web-new-a",
                          phase: "Running",
                          ready: true,
                          restarts: 3,
                          node: "node-0",
                        },
                        {
                          name: "web-new-b",
                          phase: "Running",
                          ready: false,
                          restarts: 0,
                          node: "node-0",
                        },
                      ],
                    },
                    { name: "web-old", revision: "1", replicas: 0, readyReplicas: 0, pods: [] },
                  ],
                },
              ],
              services: [
                {
                  name: "shop-branch-main-store-web",
                  type: "ClusterIP",
                  ports: [{ name: "http", port: 8080 }],
                },
              ],
              ingresses: [],
            },
          ],
        },
      ],
      ingresses: [{ name: "prod", environment: "prod", hosts: ["shop.example.com"] }],
    });
    expect(schemaProblems(topologySchema, topology)).toEqual([]);
  });

  it("is empty for a platform with nothing running", () => {
    expect(
      buildTopology({
        platform: "dev",
        namespace: "shop-dev",
        system: "shop",
        deployments: [],
        replicaSets: [],
        pods: [],
        services: [],
        ingresses: [],
        health: [],
      }),
    ).toMatchObject({ apps: [], ingresses: [] });
  });
});
