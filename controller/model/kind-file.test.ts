import { describe, expect, it } from "vitest";
import type { Kind } from "../../schemas/kinds.js";
import { checkDocument } from "./kind-file.js";

const head = (kind: string, name: string) => ({
  apiVersion: "kubefox.io/v1alpha1",
  kind,
  metadata: { name },
});

const app = (web: Record<string, unknown>, more: Record<string, unknown> = {}) => ({
  ...head("App", "store"),
  spec: { components: { web: { image: "ghcr.io/acme/web:1", ...web } }, ...more },
});

const messages = (kind: Kind, data: unknown, expected?: { name: string; from: string }) =>
  checkDocument(data, kind, expected).map((i) => i.message);

describe("checkDocument: valid documents", () => {
  it.each<[Kind, unknown]>([
    ["System", { ...head("System", "shop"), spec: {} }],
    ["System", { ...head("System", "shop"), spec: { title: "Shop", description: "The shop" } }],
    ["App", app({})],
    [
      "App",
      app({
        replicas: 0,
        ports: [
          { name: "http", containerPort: 8080, nodePort: 30080 },
          { name: "dns", containerPort: 53, protocol: "UDP" },
        ],
        command: ["/bin/web"],
        args: ["--verbose"],
        env: { GREETING: "hi {{.Env.region}}", "my.var": "x", DB: "{{.Secrets.db}}", _A: "" },
        routes: [{ rule: "Host(`{{.Env.domain}}`) && PathPrefix(`/shop`)" }, { rule: "Path(`/`)" }],
        readinessProbe: {
          httpGet: { path: "/healthz", port: "http", scheme: "HTTPS" },
          periodSeconds: 5,
        },
        livenessProbe: { tcpSocket: { port: 8080 }, failureThreshold: 3 },
        resources: { requests: { cpu: 0.5, memory: "64Mi" }, limits: { cpu: "1", memory: "1e9" } },
        mounts: [
          { configMap: "settings", mountPath: "/etc/settings", readOnly: true },
          { secret: "tls", mountPath: "/etc/tls", subPath: "certs/tls.crt" },
        ],
        serviceAccountName: "web.sa",
      }),
    ],
    ["App", app({ readinessProbe: { exec: { command: ["cat", "/tmp/ready"] } } })],
    [
      "Environment",
      {
        ...head("Environment", "prod"),
        spec: {
          inherits: "base",
          config: "prod",
          hostNames: ["shop.example.com", "10.0.0.1", "::1"],
          vars: { region: "eu", replicas: 3, debug: false, ratio: 0.5 },
          releasePolicy: { activationDeadlineSeconds: 86400, historyLimit: 0 },
        },
      },
    ],
    ["Environment", { ...head("Environment", "dev"), spec: {} }],
    [
      "Config",
      {
        ...head("Config", "prod"),
        spec: {
          components: { web: { vars: { LOG_LEVEL: "info", "log.format": "json", workers: 4 } } },
          secrets: { dbPassword: { secretRef: { name: "shop-db", key: "password" } } },
        },
      },
    ],
    [
      "Platform",
      {
        ...head("Platform", "dev"),
        spec: {
          cluster: { context: "kind-dev" },
          namespace: "shop-dev",
          policy: {
            allowPrivileged: false,
            allowHostNetwork: true,
            allowHostPID: false,
            allowHostPath: false,
          },
          allowEmpty: true,
          deployments: [
            { ref: "branch/main" },
            { ref: "branch/feature/x-1", environment: "dev" },
            { ref: "tag/v1.4.0" },
            { ref: "id/1a2b3c4" },
            { ref: `id/${"a".repeat(40)}` },
          ],
          releases: [
            { environment: "prod", ref: "tag/v*" },
            { environment: "staging", ref: "tag/release-*-rc" },
          ],
        },
      },
    ],
  ])("%s %#", (kind, data) => {
    expect(messages(kind, data)).toEqual([]);
  });

  it("fills the schema's defaults", () => {
    const env = { ...head("Environment", "dev"), spec: {} };
    checkDocument(env, "Environment");
    expect(env.spec).toEqual({
      hostNames: [],
      vars: {},
      releasePolicy: { activationDeadlineSeconds: 300, historyLimit: 10 },
    });
    const platform = { ...head("Platform", "dev"), spec: { namespace: "dev" } };
    checkDocument(platform, "Platform");
    expect(platform.spec).toEqual({
      namespace: "dev",
      policy: {
        allowPrivileged: false,
        allowHostNetwork: false,
        allowHostPID: false,
        allowHostPath: false,
      },
      allowEmpty: false,
      deployments: [],
      releases: [],
    });
    const store = app({ ports: [{ name: "http", containerPort: 80 }] });
    checkDocument(store, "App");
    expect(store.spec.components.web).toEqual({
      image: "ghcr.io/acme/web:1",
      replicas: 1,
      ports: [{ name: "http", containerPort: 80, protocol: "TCP" }],
      env: {},
      routes: [],
      mounts: [],
    });
  });
});

describe("checkDocument: problems", () => {
  it.each<[string, Kind, unknown, string[]]>([
    [
      "a list",
      "System",
      [1],
      ["the document must be a map with apiVersion, kind, metadata and spec, got a list"],
    ],
    [
      "a string",
      "System",
      "hello",
      ['the document must be a map with apiVersion, kind, metadata and spec, got "hello"'],
    ],
    [
      "another kind",
      "Environment",
      { ...head("Config", "x"), spec: {} },
      ['kind must be "Environment" in this file, got "Config"'],
    ],
    [
      "nothing",
      "System",
      {},
      [
        'the document is missing required field "apiVersion"',
        'the document is missing required field "kind"',
        'the document is missing required field "metadata"',
        'the document is missing required field "spec"',
      ],
    ],
    [
      "a wrong apiVersion",
      "System",
      { ...head("System", "s"), apiVersion: "v1", spec: {} },
      ['apiVersion must be "kubefox.io/v1alpha1", got "v1"'],
    ],
    [
      "an unknown top-level field",
      "System",
      { ...head("System", "s"), spec: {}, status: {} },
      ['the document has unknown field "status" (allowed: apiVersion, kind, metadata, spec)'],
    ],
    [
      "a bad name",
      "System",
      { ...head("System", "My_Shop"), spec: {} },
      [
        `metadata.name must be a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit, got "My_Shop"`,
      ],
    ],
    [
      "a long name",
      "System",
      { ...head("System", "a".repeat(64)), spec: {} },
      ["metadata.name must be at most 63 characters long"],
    ],
    [
      "replicas as text",
      "App",
      app({ replicas: "two" }),
      ['spec.components.web.replicas must be an integer, got "two"'],
    ],
    [
      "replicas negative",
      "App",
      app({ replicas: -1 }),
      ["spec.components.web.replicas must be at least 0, got -1"],
    ],
    [
      "replicas huge",
      "App",
      app({ replicas: 1e30 }),
      ["spec.components.web.replicas must be at most 2147483647, got 1e+30"],
    ],
    [
      "replicas infinite",
      "App",
      app({ replicas: Infinity }),
      ["spec.components.web.replicas must be an integer, got Infinity"],
    ],
    [
      "a misspelt field",
      "App",
      app({ replica: 2 }),
      ['spec.components.web has unknown field "replica" (did you mean "replicas"?)'],
    ],
    [
      "a miscased field",
      "App",
      app({ ServiceAccountName: "x" }),
      [
        'spec.components.web has unknown field "ServiceAccountName" (did you mean "serviceAccountName"?)',
      ],
    ],
    [
      "no image",
      "App",
      { ...head("App", "store"), spec: { components: { web: {} } } },
      ['spec.components.web is missing required field "image"'],
    ],
    [
      "no components",
      "App",
      { ...head("App", "store"), spec: { components: {} } },
      ["spec.components must not be empty"],
    ],
    [
      "a bad component name",
      "App",
      { ...head("App", "store"), spec: { components: { Web: { image: "x" } } } },
      [
        `spec.components has an invalid name "Web": must be a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
      ],
    ],
    [
      "an image with a space",
      "App",
      app({ image: "a b" }),
      [
        'spec.components.web.image must be a container image reference without spaces, e.g. ghcr.io/acme/web:1.4.0, got "a b"',
      ],
    ],
    [
      "a number as env value",
      "App",
      app({ env: { PORT: 8080 } }),
      ['spec.components.web.env.PORT must be a string, got 8080 (quote it: "8080")'],
    ],
    [
      "a bad env name",
      "App",
      app({ env: { "1X": "a" } }),
      [
        `spec.components.web.env has an invalid name "1X": must be an environment variable name: letters, digits, '_', '-' and '.', not starting with a digit`,
      ],
    ],
    [
      "a port out of range",
      "App",
      app({ ports: [{ name: "http", containerPort: 70000 }] }),
      ["spec.components.web.ports[0].containerPort must be at most 65535, got 70000"],
    ],
    [
      "a lowercase protocol",
      "App",
      app({ ports: [{ name: "http", containerPort: 80, protocol: "tcp" }] }),
      ['spec.components.web.ports[0].protocol must be one of "TCP", "UDP", "SCTP", got "tcp"'],
    ],
    [
      "a port name too long",
      "App",
      app({ ports: [{ name: "a-very-long-port-name", containerPort: 80 }] }),
      ["spec.components.web.ports[0].name must be at most 15 characters long"],
    ],
    [
      "a port name of digits",
      "App",
      app({ ports: [{ name: "8080", containerPort: 80 }] }),
      [
        expect.stringContaining(
          "spec.components.web.ports[0].name must be a port name: at most 15 lowercase letters, digits and '-', with at least one letter",
        ),
      ],
    ],
    [
      "a probe without handler",
      "App",
      app({ readinessProbe: {} }),
      ["spec.components.web.readinessProbe must set one of httpGet, tcpSocket, exec"],
    ],
    [
      "a probe with two handlers",
      "App",
      app({ livenessProbe: { exec: { command: ["a"] }, tcpSocket: { port: 1 } } }),
      [
        "spec.components.web.livenessProbe must set only one of httpGet, tcpSocket, exec, not tcpSocket and exec",
      ],
    ],
    [
      "a probe port of zero",
      "App",
      app({ livenessProbe: { tcpSocket: { port: 0 } } }),
      ["spec.components.web.livenessProbe.tcpSocket.port must be at least 1, got 0"],
    ],
    [
      "a probe port as a list",
      "App",
      app({ livenessProbe: { tcpSocket: { port: [] } } }),
      [
        "spec.components.web.livenessProbe.tcpSocket.port must be an integer or a string, got a list",
      ],
    ],
    [
      "a relative probe path",
      "App",
      app({ readinessProbe: { httpGet: { path: "healthz", port: 80 } } }),
      [
        `spec.components.web.readinessProbe.httpGet.path must be an absolute URL path, starting with '/', got "healthz"`,
      ],
    ],
    [
      "a bad quantity",
      "App",
      app({ resources: { limits: { memory: "1 GB" } } }),
      [
        'spec.components.web.resources.limits.memory must be a Kubernetes quantity such as 100m, 0.5, 64Mi or 1G, got "1 GB"',
      ],
    ],
    [
      "a negative quantity",
      "App",
      app({ resources: { requests: { cpu: -1 } } }),
      ["spec.components.web.resources.requests.cpu must be at least 0, got -1"],
    ],
    [
      "gpu resources",
      "App",
      app({ resources: { limits: { gpu: 1 } } }),
      ['spec.components.web.resources.limits has unknown field "gpu" (did you mean "cpu"?)'],
    ],
    [
      "a mount of neither",
      "App",
      app({ mounts: [{ mountPath: "/x" }] }),
      ["spec.components.web.mounts[0] must set one of configMap, secret"],
    ],
    [
      "a mount of both",
      "App",
      app({ mounts: [{ mountPath: "/x", secret: "s", configMap: "c" }] }),
      [
        "spec.components.web.mounts[0] must set only one of configMap, secret, not configMap and secret",
      ],
    ],
    [
      "a relative mountPath",
      "App",
      app({ mounts: [{ secret: "s", mountPath: "etc" }] }),
      [
        `spec.components.web.mounts[0].mountPath must be an absolute path in the container, starting with '/', got "etc"`,
      ],
    ],
    [
      "a climbing subPath",
      "App",
      app({ mounts: [{ secret: "s", mountPath: "/e", subPath: "../x" }] }),
      [
        `spec.components.web.mounts[0].subPath must be a relative path inside the volume, without '..', got "../x"`,
      ],
    ],
    [
      "a route without rule",
      "App",
      app({ routes: [{ path: "/" }], ports: [{ name: "http", containerPort: 80 }] }),
      [
        'spec.components.web.routes[0] is missing required field "rule"',
        'spec.components.web.routes[0] has unknown field "path" (allowed: rule)',
      ],
    ],
    [
      "a host in upper case",
      "Environment",
      { ...head("Environment", "e"), spec: { hostNames: ["Shop.io"] } },
      [
        'spec.hostNames[0] must be a DNS host name (lowercase, e.g. shop.example.com) or an IP address, got "Shop.io"',
      ],
    ],
    [
      "a host twice",
      "Environment",
      { ...head("Environment", "e"), spec: { hostNames: ["a.io", "b.io", "a.io"] } },
      ['spec.hostNames lists "a.io" twice (entries 0 and 2)'],
    ],
    [
      "a var that is a map",
      "Environment",
      { ...head("Environment", "e"), spec: { vars: { a: { b: 1 } } } },
      ["spec.vars.a must be a string, a number or a boolean (true or false), got a map"],
    ],
    [
      "a var that is null",
      "Environment",
      { ...head("Environment", "e"), spec: { vars: { a: null } } },
      ["spec.vars.a must be a string, a number or a boolean (true or false), got null"],
    ],
    [
      "a var name with a dash",
      "Environment",
      { ...head("Environment", "e"), spec: { vars: { "log-level": "x" } } },
      [
        `spec.vars has an invalid name "log-level": must be a template name: letters, digits and '_', not starting with a digit, so that a template can read it`,
      ],
    ],
    [
      "a deadline of zero",
      "Environment",
      { ...head("Environment", "e"), spec: { releasePolicy: { activationDeadlineSeconds: 0 } } },
      ["spec.releasePolicy.activationDeadlineSeconds must be at least 1, got 0"],
    ],
    [
      "a secret without key",
      "Config",
      { ...head("Config", "c"), spec: { secrets: { db: { secretRef: { name: "db" } } } } },
      ['spec.secrets.db.secretRef is missing required field "key"'],
    ],
    [
      "a secret value",
      "Config",
      { ...head("Config", "c"), spec: { secrets: { db: "hunter2" } } },
      ['spec.secrets.db must be a map, got "hunter2"'],
    ],
    [
      "no namespace",
      "Platform",
      { ...head("Platform", "p"), spec: {} },
      ['spec is missing required field "namespace"'],
    ],
    [
      "yes for true",
      "Platform",
      { ...head("Platform", "p"), spec: { namespace: "p", allowEmpty: "yes" } },
      ['spec.allowEmpty must be a boolean (true or false), got "yes" (write true or false)'],
    ],
  ])("%s", (_, kind, data, expected) => {
    expect(messages(kind, data)).toEqual(expected);
  });

  it.each([
    "main",
    "branch/",
    "branch/a..b",
    "branch/a b",
    "branch/x*",
    "branch/.hidden",
    "branch/a/.b",
    "branch/a.lock",
    "branch/a/",
    "branch//a",
    "branch/a@{1}",
    "branch/a~1",
    "branch/a^",
    "branch/a:b",
    "branch/a.",
    "branch/@",
    "tag/v1?",
    "tag/[v]1",
    "id/abc12",
    "id/ABCDEF1",
    `id/${"a".repeat(41)}`,
    "commit/abcdef1",
  ])("refuses the ref %j", (ref) => {
    const data = { ...head("Platform", "p"), spec: { namespace: "p", deployments: [{ ref }] } };
    expect(messages("Platform", data)).toEqual([
      expect.stringMatching(/^spec\.deployments\[0\]\.ref must be a ref: /),
    ]);
  });

  it("reports a name that differs from the file's", () => {
    const data = { ...head("Environment", "production"), spec: {} };
    expect(messages("Environment", data, { name: "prod", from: "file name" })).toEqual([
      'metadata.name "production" must match the file name "prod"',
    ]);
  });

  it("reports every problem at once, schema and component checks alike", () => {
    const data = {
      ...head("App", "shop"),
      spec: {
        components: {
          web: { image: "x", replicas: "two" },
          api: { image: "x", env: { A: "{{.Env.x" } },
        },
      },
    };
    expect(messages("App", data, { name: "store", from: "folder name" })).toEqual([
      'spec.components.web.replicas must be an integer, got "two"',
      'metadata.name "shop" must match the folder name "store"',
      'spec.components.api.env.A: "{{" is not closed by "}}"',
    ]);
  });
});
