import { describe, expect, it } from "vitest";
import { commitStatusSchema } from "../../schemas/notify/commit-status.js";
import { expectFits } from "../../schemas/validate.test-support.js";
import { commitStatuses } from "./commit-statuses.js";
import {
  commitA,
  commitB,
  deployment,
  platform,
  release,
  version,
} from "./fixtures.test-support.js";

const brief = (p: Parameters<typeof commitStatuses>[1], url?: string) =>
  commitStatuses("repo", p, url).map((s) => {
    expectFits(commitStatusSchema, s, "a commit status");
    return [s.commit.slice(0, 1), s.context, s.state, s.description];
  });

describe("commitStatuses", () => {
  it.each([
    ["Pending", "pending", "Pending on dev"],
    ["Progressing", "pending", "Rolling out on dev"],
    ["Ready", "success", "Ready on dev"],
    ["Degraded", "failure", "Degraded on dev"],
  ] as const)("a %s deployment is %s", (state, expected, description) => {
    expect(brief(platform([deployment({ state })]))).toEqual([
      ["a", "kubefox-gitops/dev/branch-main", expected, description],
    ]);
  });

  it("a broken commit fails with its first file:line:col", () => {
    const d = deployment({
      id: commitB,
      state: "Failed",
      lastError: "apps/store/app.yaml:9:17: replicas must be integer\napps/x.yaml:1:1: more",
    });
    expect(brief(platform([d]))).toEqual([
      [
        "b",
        "kubefox-gitops/dev/branch-main",
        "failure",
        "apps/store/app.yaml:9:17: replicas must be integer",
      ],
    ]);
  });

  it("a ref that never resolved has no commit to mark", () => {
    expect(brief(platform([deployment({ id: "", state: "Failed" })]))).toEqual([]);
  });

  it("links to the dashboard when a public URL is set", () => {
    const [s] = commitStatuses(
      "repo",
      platform([deployment({ ref: "branch/feature/x" })]),
      "https://kf.example.com/",
    );
    expect(s).toMatchObject({
      context: "kubefox-gitops/dev/branch-feature/x",
      targetUrl: "https://kf.example.com/#/platform/dev/deployment/shop/branch/feature%2Fx",
    });
  });

  it.each([
    [
      "a pending version is pending",
      release({ state: "Progressing", active: version(commitA), pending: version(commitB, false) }),
      [
        [
          "b",
          "kubefox-gitops/dev/release-prod",
          "pending",
          "Pending as prod on dev: waiting for its Deployments to be Available",
        ],
      ],
    ],
    [
      "a cut-over version succeeds",
      release({ active: version(commitB) }),
      [["b", "kubefox-gitops/dev/release-prod", "success", "Serving prod on dev"]],
    ],
    [
      "a version past its deadline fails; the active one still serves",
      release({
        active: version(commitA),
        history: [
          {
            ...version(commitB, false),
            archiveTime: "2026-11-27T20:06:00.000Z",
            reason: "PendingDeadlineExceeded",
          },
        ],
      }),
      [
        [
          "b",
          "kubefox-gitops/dev/release-prod",
          "failure",
          "Not Available within its deadline; prod on dev keeps its active version",
        ],
        ["a", "kubefox-gitops/dev/release-prod", "success", "Serving prod on dev"],
      ],
    ],
    [
      "a degraded active version fails",
      release({ state: "Degraded", active: version(commitA) }),
      [["a", "kubefox-gitops/dev/release-prod", "failure", "Degraded as prod on dev"]],
    ],
    ["nothing resolved yet: nothing", release({ state: "Pending" }), []],
  ])("%s", (_what, r, expected) => {
    expect(brief(platform([], [r]))).toEqual(expected);
  });
});
