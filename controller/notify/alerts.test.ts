import { describe, expect, it } from "vitest";
import { alertEventSchema } from "../../schemas/status/alert-event.js";
import { expectFits } from "../../schemas/validate.test-support.js";
import { platformAlerts, sourceAlert, type AlertMemory } from "./alerts.js";
import {
  commitA,
  commitB,
  deployment,
  platform,
  release,
  version,
} from "./fixtures.test-support.js";

const time = "2026-11-27T20:00:00.000Z";
const types = (memory: AlertMemory, p: Parameters<typeof platformAlerts>[2]) => {
  const result = platformAlerts(memory, "repo", p, { time });
  for (const a of result.alerts) expectFits(alertEventSchema, a, "an alert");
  return { types: result.alerts.map((a) => a.type), memory: result.memory };
};

describe("platformAlerts", () => {
  it.each([
    ["Ready once", {}, platform([deployment()]), ["DeploymentReady"]],
    [
      "not again",
      { "deployment branch/main": `DeploymentReady ${commitA}` },
      platform([deployment()]),
      [],
    ],
    [
      "Ready at a new commit",
      { "deployment branch/main": `DeploymentReady ${commitA}` },
      platform([deployment({ id: commitB })]),
      ["DeploymentReady"],
    ],
    ["nothing while progressing", {}, platform([deployment({ state: "Progressing" })]), []],
    [
      "Failed",
      {},
      platform([deployment({ state: "Failed", lastError: "x.yaml:1:1: bad" })]),
      ["DeploymentFailed"],
    ],
    [
      "Degraded",
      { "deployment branch/main": `DeploymentReady ${commitA}` },
      platform([deployment({ state: "Degraded" })]),
      ["DeploymentDegraded"],
    ],
    [
      "a pending release",
      {},
      platform([], [release({ state: "Progressing", pending: version(commitB, false) })]),
      ["ReleasePending"],
    ],
    [
      "a cut-over",
      { "release prod pending": "prod-bbbbbbbb" },
      platform([], [release({ active: version(commitB) })]),
      ["ReleaseCutOver"],
    ],
    [
      "a deadline exceeded",
      { "release prod active": "prod-aaaaaaaa" },
      platform(
        [],
        [
          release({
            active: version(commitA),
            history: [
              { ...version(commitB, false), archiveTime: time, reason: "PendingDeadlineExceeded" },
            ],
          }),
        ],
      ),
      ["ReleaseDeadlineExceeded"],
    ],
    [
      "a roll-back",
      { "release prod active": "prod-bbbbbbbb" },
      platform(
        [],
        [
          release({
            active: version(commitA),
            history: [{ ...version(commitB), archiveTime: time, reason: "RolledBack" }],
          }),
        ],
      ),
      ["ReleaseCutOver", "ReleaseRolledBack"],
    ],
  ])("%s", (_what, memory, p, expected) => {
    expect(types(memory, p).types).toEqual(expected);
  });

  it("remembers what it alerted, so the same status alerts nothing", () => {
    const p = platform([deployment()], [release({ active: version(commitA) })]);
    const first = types({}, p);
    expect(types(first.memory, p).types).toEqual([]);
  });
});

describe("sourceAlert", () => {
  it("alerts a new error once, and again only after a good sync", () => {
    const a = sourceAlert(undefined, "repo", "fetch failed", time);
    expect(a.alert?.type).toBe("SourceError");
    expect(sourceAlert(a.last, "repo", "fetch failed", time).alert).toBeUndefined();
    const ok = sourceAlert(a.last, "repo", undefined, time);
    expect(ok).toEqual({ last: undefined });
    expect(sourceAlert(ok.last, "repo", "fetch failed", time).alert?.severity).toBe("error");
  });
});
