import { describe, expect, it } from "vitest";
import { Bus } from "./status/bus.js";
import { Metrics } from "./metrics.js";
import type { DeploymentStatus, PlatformStatus } from "./status/status.js";

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
});
