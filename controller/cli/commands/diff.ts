// `kubefox-gitops diff [DIR] --platform NAME [--ref REF]` (issue 15): what
// applying the platform's objects from DIR would change in the live cluster, as
// `flux diff kustomization` and `kubectl diff` show it. The desired objects are
// render's (previewPlatform, deployments and releases alike); each is sent as a
// server-side dry-run apply with our field manager and the answer compared with
// the live object. Objects prune would delete are found by prune's rule: our
// labels for this platform, in its namespace, no longer desired. Nothing is
// written. Exit 0 nothing would change; 1 something would; 2 could not run.
import { execFile } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { KubernetesObject } from "@kubernetes/client-node";
import { ClusterClient, refKey, refOf } from "../../cluster/client.js";
import { KubeApiError } from "../../cluster/http.js";
import { loadConnection } from "../../cluster/kubeconfig.js";
import { isManaged, labels, managedSelector } from "../../cluster/labels.js";
import { mapBounded } from "../../cluster/limit.js";
import { describeError, errorCode, formatProblem, maskUrl, SettingsError } from "../../errors.js";
import { createLogger } from "../../log.js";
import { FsTree } from "../../model/fs-tree.js";
import { loadControl } from "../../model/load-control.js";
import { deploymentOwner } from "../../render/deployment.js";
import { keepCommitLabels } from "../../reconcile/commit-labels.js";
import { statusOwner } from "../../status/store.js";
import { commandHelp, parseCommandLine, usageLine, type FlagValues } from "../command-line.js";
import { diffCommand } from "../settings.js";
import { diffObject, objectName, type ObjectChange } from "./object-diff.js";
import { describePart, previewPlatform, unresolvedLine, type Preview } from "./platform-preview.js";
import { openWorkTree } from "./work-tree.js";

const usage = usageLine(diffCommand);

/** Kinds render makes: looked at for objects to prune even when nothing desired has that kind now. */
const renderedKinds = [
  ["v1", "ConfigMap"],
  ["v1", "Secret"],
  ["v1", "Service"],
  ["apps/v1", "Deployment"],
  ["networking.k8s.io/v1", "Ingress"],
] as const;

/** Owners of objects that are ours but not rendered: the status ConfigMap, a release's routing Secret. */
const notRenderedOwners = new Set([statusOwner, "routing"]);

interface Outcome {
  name: string;
  change: ObjectChange;
}

export async function diff(args: string[]): Promise<number> {
  let values: FlagValues<typeof diffCommand>;
  let dir: string;
  try {
    const parsed = parseCommandLine(diffCommand, args, process.env);
    values = parsed.values;
    if (values.help) {
      process.stdout.write(commandHelp(diffCommand));
      return 0;
    }
    if (parsed.positionals.length > 1)
      throw new SettingsError(`one DIR at most, got ${parsed.positionals.length}`);
    if (values.repo && parsed.positionals.length > 0)
      throw new SettingsError("DIR or --repo URL, not both");
    dir = parsed.positionals[0] ?? ".";
  } catch (err) {
    return fail(`${describeError(err)}\n${usage}`);
  }
  if (values.repo) {
    const clone = await cloneRepo(values.repo);
    if (!clone.ok) return fail(clone.message);
    try {
      return await compareDir(clone.dir, values);
    } finally {
      await rm(path.dirname(clone.dir), { recursive: true, force: true });
    }
  }
  return compareDir(dir, values);
}

/** A temporary clone of `url` by the git client, so its credential helpers and SSH setup apply. */
async function cloneRepo(
  url: string,
): Promise<{ ok: true; dir: string } | { ok: false; message: string }> {
  const parent = await mkdtemp(path.join(tmpdir(), "kubefox-gitops-diff-"));
  const dir = path.join(parent, "repo");
  const cloned = await new Promise<string | undefined>((resolve) =>
    execFile(
      "git",
      ["clone", "--quiet", "--", url, dir],
      { env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } },
      (err, _stdout, stderr) => resolve(err ? stderr.trim() || err.message : undefined),
    ),
  );
  if (cloned === undefined) return { ok: true, dir };
  await rm(parent, { recursive: true, force: true });
  return { ok: false, message: `could not clone ${maskUrl(url)}: ${maskUrl(cloned)}` };
}

async function compareDir(dir: string, values: FlagValues<typeof diffCommand>): Promise<number> {
  if (
    !(await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    return fail(`${dir} is not a folder`);

  // 1. The desired objects, as render makes them.
  const control = await loadControl(new FsTree(dir));
  if (control.problems.length > 0) {
    process.stderr.write(control.problems.map((p) => `${formatProblem(p)}\n`).join(""));
    return fail("the control files are invalid (above)");
  }
  const doc = control.model.platforms[values.platform];
  if (!doc) {
    const known = Object.keys(control.model.platforms).join(", ") || "none";
    return fail(
      `no platform ${values.platform} in ${path.join(dir, "platforms")} (platforms: ${known})`,
    );
  }
  let preview: Preview;
  try {
    const tree = await openWorkTree(dir);
    preview = await previewPlatform(tree, control.model, values.platform, doc, values.ref).finally(
      () => tree.close(),
    );
  } catch (err) {
    return fail(describeError(err));
  }
  if (preview.failures.length > 0) {
    for (const f of preview.failures)
      say(`${describePart(f)}: [${errorCode(f.error)}] ${describeError(f.error)}`);
    return fail("not compared: the tree does not render (kubefox-gitops render says more)");
  }
  for (const u of preview.unresolved) say(unresolvedLine(u, "compared"));
  const desired = preview.parts.flatMap((p) => p.objects);
  const secrets = preview.parts.filter((p) => p.routingSecret).length;
  say(
    `platform ${preview.platform.name}, namespace ${preview.platform.namespace}: ` +
      `${desired.length} objects from ${preview.parts.length} deployments and releases` +
      (secrets > 0 ? `; routing Secrets are the controller's and are not compared` : ""),
  );

  // 2. The cluster: the one client, which counts and guards writes; dry runs are neither.
  let client: ClusterClient;
  try {
    const connection = loadConnection({
      ...(values.kubeconfig ? { file: values.kubeconfig } : {}),
      ...((values.context ?? doc.spec.cluster?.context)
        ? { context: values.context ?? doc.spec.cluster?.context }
        : {}),
    });
    client = new ClusterClient(connection, {
      log: createLogger({ level: "error" }),
      retry: { attempts: 3 },
      timeoutMs: 15_000,
    });
  } catch (err) {
    return fail(describeError(err));
  }

  try {
    // 3. Each desired object against the live one; then what prune would delete.
    const outcomes: Outcome[] = [];
    const errors: string[] = [];
    const desiredKeys = new Set<string>();
    await mapBounded(desired, 8, async (obj) => {
      try {
        const outcome = await compare(client, obj);
        desiredKeys.add(refKey(refOf(outcome.live ?? obj)));
        if (outcome.change) outcomes.push({ name: objectName(obj), change: outcome.change });
      } catch (err) {
        errors.push(`${objectName(obj)}: ${describeError(err)}`);
      }
    });
    const owners = values.ref === undefined ? undefined : ownersOf(preview);
    for (const obj of await prunable(client, preview, desiredKeys, owners))
      outcomes.push({ name: objectName(obj), change: diffObject(obj, undefined) });

    // 4. What would change, object by object, in a stable order.
    outcomes.sort((a, b) => a.name.localeCompare(b.name));
    const counts = { create: 0, change: 0, delete: 0, unchanged: 0, conflict: 0 };
    for (const { name, change } of outcomes) {
      counts[change.action]++;
      if (change.action === "unchanged") continue;
      process.stdout.write(`${heading(change.action)} ${name}\n`);
      if ("lines" in change) process.stdout.write(change.lines.map((l) => `${l}\n`).join(""));
    }
    for (const e of errors) say(`error: ${e}`);
    say(
      `${counts.create} to create, ${counts.change} to change, ${counts.delete} to delete (prune), ` +
        `${counts.unchanged} unchanged, ${counts.conflict} left alone (not ours)` +
        ` on ${client.connection.name}`,
    );
    if (errors.length > 0) return 2;
    return counts.create + counts.change + counts.delete > 0 ? 1 : 0;
  } catch (err) {
    return fail(describeError(err));
  } finally {
    client.close();
  }
}

/** The live object and what applying `obj` would change of it; no change for a Namespace made beforehand. */
async function compare(
  client: ClusterClient,
  obj: KubernetesObject,
): Promise<{ live?: KubernetesObject; change?: ObjectChange }> {
  const ref = refOf(obj);
  const resource = await client.resource(ref.apiVersion, ref.kind);
  if (!resource) throw new Error(`the cluster has no kind ${ref.kind} in ${ref.apiVersion}`);
  // As apply does: a cluster-wide kind takes no namespace.
  if (!resource.namespaced && ref.namespace) {
    obj = { ...obj, metadata: { ...obj.metadata, namespace: undefined } };
    delete ref.namespace;
  }
  const live = await client.get(ref);
  if (live && !isManaged(live)) {
    // A platform's Namespace made beforehand is used as it is, as apply does.
    return ref.kind === "Namespace" ? { live } : { live, change: { action: "conflict" } };
  }
  let result: KubernetesObject;
  try {
    result = await client.dryRunApply(keepCommitLabels(obj, live));
  } catch (err) {
    // Its namespace does not exist yet: the object as rendered is what would be created.
    if (!live && err instanceof KubeApiError && err.statusCode === 404) result = obj;
    else throw err;
  }
  return { ...(live ? { live } : {}), change: diffObject(live, result) };
}

/**
 * Prune's rule (controller/reconcile/prune.ts): objects with our label and this
 * platform's, in its namespace, that are no longer desired. With --ref, only
 * those of the deployments and releases compared (`owners`).
 */
async function prunable(
  client: ClusterClient,
  preview: Preview,
  desiredKeys: Set<string>,
  owners: Set<string> | undefined,
): Promise<KubernetesObject[]> {
  const kinds = new Map<string, readonly [string, string]>();
  for (const [apiVersion, kind] of renderedKinds)
    kinds.set(`${apiVersion}/${kind}`, [apiVersion, kind]);
  for (const part of preview.parts)
    for (const o of part.objects)
      kinds.set(`${o.apiVersion}/${o.kind}`, [o.apiVersion ?? "", o.kind ?? ""]);
  const selector = `${managedSelector},${labels.platform}=${preview.platform.name}`;
  const found: KubernetesObject[] = [];
  for (const [apiVersion, kind] of kinds.values()) {
    const resource = await client.resource(apiVersion, kind);
    if (!resource?.namespaced) continue;
    const { items } = await client.list(apiVersion, kind, {
      namespace: preview.platform.namespace,
      labelSelector: selector,
    });
    for (const item of items) {
      const owner = item.metadata?.labels?.[labels.owner] ?? "";
      if (notRenderedOwners.has(owner)) continue;
      // What run would keep: a ref that resolves to nothing yet prunes nothing of its own.
      if (unresolvedOwner(preview, item)) continue;
      if (owners && !owners.has(owner)) continue;
      if (!desiredKeys.has(refKey(refOf(item)))) found.push(item);
    }
  }
  return found;
}

function unresolvedOwner(preview: Preview, item: KubernetesObject): boolean {
  const itemLabels = item.metadata?.labels ?? {};
  return preview.unresolved.some((u) =>
    u.kind === "release"
      ? itemLabels[labels.environment] === u.environment
      : itemLabels[labels.owner] === deploymentOwner(u.ref),
  );
}

/** Owner labels of the parts compared: a deployment's even when it renders nothing now. */
function ownersOf(preview: Preview): Set<string> {
  const owners = new Set<string>();
  for (const part of preview.parts) {
    if (part.kind === "deployment") owners.add(deploymentOwner(part.ref));
    for (const o of part.objects) owners.add(o.metadata?.labels?.[labels.owner] ?? "");
  }
  return owners;
}

function heading(action: ObjectChange["action"]): string {
  switch (action) {
    case "create":
      return "would create";
    case "change":
      return "would change";
    case "delete":
      return "would delete (prune)";
    case "conflict":
      return "conflict: left alone, exists without the label app.kubernetes.io/managed-by=kubefox-gitops:";
    case "unchanged":
      return "unchanged";
  }
}

function say(line: string): void {
  process.stderr.write(`kubefox-gitops diff: ${line}\n`);
}

function fail(message: string): number {
  say(message);
  return 2;
}
