import { describe, expect, it } from "vitest";
import type { Component } from "../../schemas/component.js";
import { checkComponent } from "./component-checks.js";
import { formatPath } from "./field-path.js";

const component = (more: Partial<Component>): Component => ({
  image: "web:1",
  replicas: 1,
  ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
  env: {},
  routes: [],
  mounts: [],
  ...more,
});

const check = (more: Partial<Component>) =>
  checkComponent(["spec", "components", "web"], component(more)).map((i) => ({
    at: formatPath(i.path),
    ...(i.offset !== undefined ? { offset: i.offset } : {}),
    message: i.message,
  }));

describe("checkComponent", () => {
  it("accepts a sound component", () => {
    expect(
      check({
        env: { A: "{{.Env.a}}-{{.Vars.b}}", B: "{{.Secrets.c}}", C: "plain" },
        routes: [{ rule: "Host(`{{.Env.domain}}`) && PathPrefix(`/`)" }],
        readinessProbe: { httpGet: { port: "http" } },
        livenessProbe: { tcpSocket: { port: 9999 } },
        resources: {
          requests: { cpu: "500m", memory: "64Mi" },
          limits: { cpu: 1, memory: "64Mi" },
        },
      }),
    ).toEqual([]);
  });

  it.each<[string, Partial<Component>, { at: string; offset?: number; message: string }[]]>([
    [
      "a port name twice",
      {
        ports: [
          { name: "http", containerPort: 80, protocol: "TCP" },
          { name: "http", containerPort: 81, protocol: "TCP" },
        ],
      },
      [
        {
          at: "spec.components.web.ports[1].name",
          message: 'port name "http" is used twice in spec.components.web.ports',
        },
      ],
    ],
    [
      "a container port twice",
      {
        ports: [
          { name: "a", containerPort: 80, protocol: "TCP" },
          { name: "b", containerPort: 80, protocol: "TCP" },
          { name: "c", containerPort: 80, protocol: "UDP" },
        ],
      },
      [
        {
          at: "spec.components.web.ports[1].containerPort",
          message: "containerPort 80/TCP is listed twice in spec.components.web.ports",
        },
      ],
    ],
    [
      "a nodePort twice",
      {
        ports: [
          { name: "a", containerPort: 80, nodePort: 30080, protocol: "TCP" },
          { name: "b", containerPort: 81, protocol: "TCP" },
          { name: "c", containerPort: 82, nodePort: 30080, protocol: "TCP" },
        ],
      },
      [
        {
          at: "spec.components.web.ports[2].nodePort",
          message: "nodePort 30080 is used twice in spec.components.web.ports",
        },
      ],
    ],
    [
      "a probe naming an unknown port",
      { readinessProbe: { httpGet: { port: "htp" } } },
      [
        {
          at: "spec.components.web.readinessProbe.httpGet.port",
          message:
            'spec.components.web.readinessProbe.httpGet.port names port "htp", which spec.components.web does not declare (ports: http)',
        },
      ],
    ],
    [
      "a probe naming a port when there are none",
      { ports: [], livenessProbe: { tcpSocket: { port: "http" } } },
      [
        {
          at: "spec.components.web.livenessProbe.tcpSocket.port",
          message:
            'spec.components.web.livenessProbe.tcpSocket.port names port "http", which spec.components.web does not declare (it declares no ports)',
        },
      ],
    ],
    [
      "a broken template",
      { env: { A: "x {{.Env.a" } },
      [
        {
          at: "spec.components.web.env.A",
          offset: 2,
          message: 'spec.components.web.env.A: "{{" is not closed by "}}"',
        },
      ],
    ],
    [
      "a secret inside text",
      { env: { URL: "postgres://u:{{.Secrets.pw}}@db" } },
      [
        {
          at: "spec.components.web.env.URL",
          offset: 13,
          message:
            "spec.components.web.env.URL: {{.Secrets.pw}} must be the whole value, since it becomes a secretKeyRef",
        },
      ],
    ],
    [
      "a rule an Ingress cannot express",
      { routes: [{ rule: "PathPrefix(`/`)" }, { rule: "Host(`a.io`) || Host(`b.io`)" }] },
      [
        {
          at: "spec.components.web.routes[1].rule",
          offset: 13,
          message:
            "spec.components.web.routes[1].rule: || cannot be expressed as a Kubernetes Ingress rule; write one route per alternative",
        },
      ],
    ],
    [
      "routes without ports",
      { ports: [], routes: [{ rule: "PathPrefix(`/`)" }] },
      [
        {
          at: "spec.components.web.routes",
          message: "spec.components.web has routes but no ports to send their traffic to",
        },
      ],
    ],
    [
      "a mount path twice",
      {
        mounts: [
          { configMap: "a", mountPath: "/etc/a" },
          { secret: "b", mountPath: "/etc/a" },
        ],
      },
      [
        {
          at: "spec.components.web.mounts[1].mountPath",
          message: "mountPath /etc/a is used twice in spec.components.web.mounts",
        },
      ],
    ],
    [
      "requests above limits",
      {
        resources: { requests: { cpu: 2, memory: "1Gi" }, limits: { cpu: "1500m", memory: "1G" } },
      },
      [
        {
          at: "spec.components.web.resources.requests.cpu",
          message:
            "spec.components.web.resources.requests.cpu (2) is more than its limit (1500m); Kubernetes refuses that",
        },
        {
          at: "spec.components.web.resources.requests.memory",
          message:
            "spec.components.web.resources.requests.memory (1Gi) is more than its limit (1G); Kubernetes refuses that",
        },
      ],
    ],
  ])("reports %s", (_, more, expected) => {
    expect(check(more)).toEqual(expected);
  });
});
