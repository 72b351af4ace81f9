import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Bus } from "./bus.js";
import { Metrics } from "./metrics.js";
import type { DeploymentStatus, PlatformStatus } from "./status.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function deployment(ref: string, state: DeploymentStatus["state"]): DeploymentStatus {
  return {
    ref,
    id: "",
    appliedId: "",
    state,
    components: [],
    conflicts: [],
    warnings: [],
    inventory: [],
  };
}

function platform(
  name: string,
  deployments: DeploymentStatus[],
  releases: unknown[] = [],
): PlatformStatus {
  return {
    name,
    system: "shop",
    namespace: name,
    cluster: "",
    deployments,
    unmanaged: [],
    releases: releases as PlatformStatus["releases"],
  };
}

describe("Metrics", () => {
  it("counts what the bus reports", async () => {
    const bus = new Bus();
    const metrics = new Metrics(bus);
    bus.emit("sync", { repo: "r", reason: "poll", fetch: true, ms: 120, result: "ok" });
    bus.emit("sync", {
      repo: "r",
      reason: "cluster change",
      fetch: false,
      ms: 5,
      result: "error",
      error: "x",
    });
    bus.emit("fetch", { repo: "r", ms: 80, result: "ok" });
    bus.emit("platform", {
      repo: "r",
      platform: platform(
        "dev",
        [deployment("branch/main", "Ready"), deployment("tag/v1", "Failed")],
        [{ environment: "prod", state: "Progressing" }],
      ),
      writes: 7,
      ms: 60,
    });
    metrics.webhook("github", "accepted");
    metrics.webhook("github", "accepted");
    const text = await metrics.render();
    expect(text).toContain('kubefox_gitops_syncs_total{result="ok",fetch="true"} 1');
    expect(text).toContain('kubefox_gitops_syncs_total{result="error",fetch="false"} 1');
    expect(text).toContain('kubefox_gitops_sync_duration_seconds_count{result="ok"} 1');
    expect(text).toContain('kubefox_gitops_git_fetch_duration_seconds_count{result="ok"} 1');
    expect(text).toContain('kubefox_gitops_reconcile_duration_seconds_count{platform="dev"} 1');
    expect(text).toContain('kubefox_gitops_api_writes_total{platform="dev"} 7');
    expect(text).toContain(
      'kubefox_gitops_webhook_requests_total{provider="github",result="accepted"} 2',
    );
    expect(text).toContain('kubefox_gitops_deployments{platform="dev",state="Ready"} 1');
    expect(text).toContain('kubefox_gitops_deployments{platform="dev",state="Failed"} 1');
    expect(text).toContain('kubefox_gitops_deployments{platform="dev",state="Pending"} 0');
    expect(text).toContain('kubefox_gitops_releases{platform="dev",state="Progressing"} 1');
    metrics.close();
  });

  it("counts deployments by state as of each platform's last reconcile", async () => {
    const bus = new Bus();
    const metrics = new Metrics(bus);
    const report = (d: DeploymentStatus[]) =>
      bus.emit("platform", { repo: "r", platform: platform("dev", d), writes: 0, ms: 1 });
    report([deployment("branch/main", "Progressing")]);
    report([deployment("branch/main", "Ready")]);
    const text = await metrics.render();
    expect(text).toContain('kubefox_gitops_deployments{platform="dev",state="Ready"} 1');
    expect(text).toContain('kubefox_gitops_deployments{platform="dev",state="Progressing"} 0');
    metrics.close();
    bus.emit("sync", { repo: "r", reason: "poll", fetch: true, ms: 1, result: "ok" });
    expect(await metrics.render()).not.toContain("kubefox_gitops_syncs_total{");
  });

  it("says which version runs on which Node.js, and keeps prom-client's stock process and Node.js names", async () => {
    const metrics = new Metrics(new Bus());
    const pkg = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as {
      version: string;
    };
    const text = await metrics.render();
    expect(text).toContain(
      `kubefox_gitops_build_info{version="${pkg.version}",node_version="${process.version}"} 1`,
    );
    // What stock Node.js dashboards query (issue 15): unprefixed.
    for (const name of [
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
      "nodejs_heap_size_used_bytes",
      "nodejs_eventloop_lag_p99_seconds",
    ])
      expect(text).toMatch(new RegExp(`^${name}(\\{.*\\})? `, "m"));
    expect(text).not.toContain("kubefox_gitops_process_");
    expect(text).not.toContain("kubefox_gitops_nodejs_");
    metrics.close();
  });
});

// deploy/grafana-dashboard.json queries these metrics by name: every name, and
// every label it filters, groups or labels a series by, must exist here, so
// that renaming a metric breaks this test and not someone's dashboard.
describe("the Grafana dashboard", () => {
  const metrics = new Metrics(new Bus());
  /** Series names this registry serves (a histogram's _bucket, _sum and _count), with their labels. */
  const series = new Map<string, Set<string>>();
  for (const metric of metrics.registry.getMetricsAsArray()) {
    const m = metric as unknown as { name: string; type: string; labelNames?: string[] };
    const labels = new Set<string>(m.labelNames ?? []);
    if (m.type === "histogram") {
      series.set(`${m.name}_bucket`, new Set([...labels, "le"]));
      series.set(`${m.name}_sum`, labels);
      series.set(`${m.name}_count`, labels);
    } else series.set(m.name, labels);
  }
  metrics.close();
  /** Labels Prometheus adds when it scrapes. */
  const scrapeLabels = ["instance", "job"];

  interface Query {
    where: string;
    expr: string;
    legend?: string;
  }
  const queries = async (): Promise<Query[]> => {
    const dashboard = JSON.parse(
      await readFile(path.join(root, "deploy/grafana-dashboard.json"), "utf8"),
    ) as {
      panels: { title: string; targets?: { expr: string; legendFormat?: string }[] }[];
      templating: { list: { name: string; query?: string | { query: string } }[] };
    };
    return [
      ...dashboard.panels.flatMap((p) =>
        (p.targets ?? []).map((t) => ({
          where: `panel ${p.title}`,
          expr: t.expr,
          ...(t.legendFormat ? { legend: t.legendFormat } : {}),
        })),
      ),
      ...dashboard.templating.list
        .filter((v) => v.query && typeof v.query !== "string")
        .map((v) => ({ where: `variable ${v.name}`, expr: (v.query as { query: string }).query })),
    ];
  };

  it("queries only metrics that exist, by labels they have", async () => {
    const list = await queries();
    expect(list.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const { where, expr, legend } of list) {
      const names = [...expr.matchAll(/\b(?:kubefox_gitops|process|nodejs)_\w+/g)].map((m) => m[0]);
      if (names.length === 0) problems.push(`${where}: no metric of ours in ${expr}`);
      const known = new Set(scrapeLabels);
      for (const name of names) {
        const labels = series.get(name);
        if (!labels) problems.push(`${where}: no metric ${name}`);
        for (const l of labels ?? []) known.add(l);
      }
      // name{label="...", ...}: the labels of that metric.
      for (const [, name, selector] of expr.matchAll(/(\w+)\{([^}]*)\}/g)) {
        for (const [, label] of selector!.matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)) {
          if (!scrapeLabels.includes(label!) && !series.get(name!)?.has(label!))
            problems.push(`${where}: ${name} has no label ${label}`);
        }
      }
      // by (...), label_values(..., label) and {{label}} in the legend: labels of the metrics queried.
      const used = [
        ...[...expr.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((m) => m[1]!.split(",")),
        ...[...expr.matchAll(/label_values\(\w+,\s*(\w+)\)/g)].map((m) => m[1]!),
        ...[...(legend ?? "").matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]!),
      ].map((l) => l.trim());
      for (const label of used)
        if (!known.has(label)) problems.push(`${where}: no label ${label} on ${names.join(", ")}`);
    }
    expect(problems).toEqual([]);
  });
});
