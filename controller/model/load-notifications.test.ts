// notifications/<name>.yaml on the control branch (issue 14): read into the
// model with its defaults, and every problem at its file:line:col.
import { describe, expect, it } from "vitest";
import { formatProblem } from "../errors.js";
import { loadControl } from "./load-control.js";
import { MemoryTree } from "./memory-tree.js";

const file = (spec: string, name = "team-chat") => `apiVersion: kubefox.io/v1alpha1
kind: Notification
metadata: {name: ${name}}
spec:
${spec}`;

describe("notifications/", () => {
  it("reads a Notification with its defaults", async () => {
    const { model, problems } = await loadControl(
      new MemoryTree({
        "notifications/team-chat.yaml": file("  receiver: {type: slack, name: team-chat}\n"),
      }),
    );
    expect(problems).toEqual([]);
    expect(model.notifications["team-chat"]?.spec).toEqual({
      receiver: { type: "slack", name: "team-chat" },
      events: [],
      platforms: [],
      environments: [],
      severity: "info",
    });
  });

  it("reports what is wrong where it is", async () => {
    const { model, problems } = await loadControl(
      new MemoryTree({
        "notifications/team-chat.yaml": file(
          "  receiver: {type: email, name: team-chat}\n  events: [DeploymentReady, Exploded]\n  severity: loud\n",
        ),
        "notifications/other.yaml": file("  receiver: {type: teams, name: Bad_Name}\n", "wrong"),
      }),
    );
    expect(model.notifications).toEqual({});
    expect(problems.map(formatProblem)).toEqual([
      'notifications/other.yaml:3:18: metadata.name "wrong" must match the file name "other"',
      expect.stringMatching(
        /^notifications\/other\.yaml:5:33: spec\.receiver\.name must be a DNS-1123 label/,
      ),
      'notifications/team-chat.yaml:5:20: spec.receiver.type must be one of "slack", "teams", "generic", got "email"',
      expect.stringMatching(
        /^notifications\/team-chat\.yaml:6:29: spec\.events\[1\] must be one of "DeploymentReady", .*got "Exploded"$/,
      ),
      'notifications/team-chat.yaml:7:13: spec.severity must be one of "info", "warning", "error", got "loud"',
    ]);
  });
});
