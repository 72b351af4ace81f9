// kubectl, as a person installing kubefox-gitops runs it, against the test
// control plane with the admin kubeconfig (or another one).
import { execa } from "execa";
import { inject } from "vitest";

export async function kubectl(
  args: string[],
  options: { kubeconfig?: string; reject?: boolean; cwd?: string; input?: string } = {},
) {
  const result = await execa("kubectl", args, {
    env: { KUBECONFIG: options.kubeconfig ?? inject("kubeconfig") },
    reject: false,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  if ((options.reject ?? true) && result.exitCode !== 0) {
    throw new Error(`kubectl ${args.join(" ")} failed (${result.exitCode}):\n${result.stderr}`);
  }
  return result;
}

/** Fails with a message a person can act on when kubectl is not installed. */
export async function requireKubectl(): Promise<void> {
  const found = await execa("kubectl", ["version", "--client"], { reject: false });
  if (found.exitCode !== 0)
    throw new Error("these tests run kubectl as a user would: install kubectl and put it on PATH");
}

/** `kubectl auth can-i` for another user (the admin impersonates it): true for "yes". */
export async function canI(as: string, verb: string, resource: string, namespace?: string) {
  const result = await kubectl(
    ["auth", "can-i", verb, resource, `--as=${as}`, ...(namespace ? ["-n", namespace] : [])],
    { reject: false },
  );
  const answer = result.stdout.trim();
  if (answer !== "yes" && answer !== "no")
    throw new Error(`kubectl auth can-i ${verb} ${resource}: ${result.stderr || answer}`);
  return answer === "yes";
}
