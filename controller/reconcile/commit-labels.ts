// Which commit an object, and the pods of a Deployment, say they came from
// (issue 11). The renderer labels everything with the commit it rendered; when
// an object has to be written anyway, this keeps the label of what did not
// change, so that:
// - an object's `kubefox.io/commit` is the commit at which its content last
//   changed (drift repair keeps it: the content is still that commit's);
// - a pod template's `kubefox.io/commit` is the commit at which the template
//   last changed, so writing a Deployment for its replicas, or after an
//   upgrade from a version that stamped every commit, rolls no pod.
// Pure: the live object in, the object to write out.
import type { KubernetesObject } from "@kubernetes/client-node";
import { annotations, isManaged, labels } from "../cluster/labels.js";

interface WithTemplate {
  spec?: { template?: { metadata?: { labels?: Record<string, string> } } };
}

export function keepCommitLabels(
  desired: KubernetesObject,
  live: KubernetesObject | undefined,
): KubernetesObject {
  const now = desired.metadata?.labels?.[labels.commit];
  if (!now || !live || !isManaged(live)) return desired;
  const sameContent =
    annotation(live, annotations.desiredHash) === annotation(desired, annotations.desiredHash);
  const objectCommit = sameContent ? (live.metadata?.labels?.[labels.commit] ?? now) : now;
  let out: KubernetesObject = {
    ...desired,
    metadata: {
      ...desired.metadata,
      labels: { ...desired.metadata?.labels, [labels.commit]: objectCommit },
    },
  };
  const podCommit = unchangedTemplateCommit(desired, live);
  if (podCommit) out = withTemplateCommit(out, podCommit);
  return out;
}

/** The live pod template's commit, when what its pods run is what we want now. */
function unchangedTemplateCommit(
  desired: KubernetesObject,
  live: KubernetesObject,
): string | undefined {
  const want = annotation(desired, annotations.templateHash);
  const liveTemplate = (live as WithTemplate).spec?.template;
  const liveCommit = liveTemplate?.metadata?.labels?.[labels.commit];
  if (!want || !liveCommit) return undefined;
  const has = annotation(live, annotations.templateHash);
  if (has) return has === want ? liveCommit : undefined;
  // Written before templates were hashed: compare what we set with what runs.
  const ours = (withTemplateCommit(desired, liveCommit) as WithTemplate).spec?.template;
  return contains(liveTemplate, ours) ? liveCommit : undefined;
}

function withTemplateCommit(obj: KubernetesObject, commit: string): KubernetesObject {
  const spec = (obj as WithTemplate).spec;
  const template = spec?.template;
  if (!template) return obj;
  return {
    ...obj,
    spec: {
      ...spec,
      template: {
        ...template,
        metadata: {
          ...template.metadata,
          labels: { ...template.metadata?.labels, [labels.commit]: commit },
        },
      },
    },
  } as KubernetesObject;
}

/**
 * True when every field of `want` is in `have` with the same value. The API server
 * adds defaults to what we send (terminationMessagePath, a probe's timeouts), so
 * `have` may hold more; lists must match item for item.
 */
export function contains(have: unknown, want: unknown): boolean {
  if (Array.isArray(want)) {
    return (
      Array.isArray(have) &&
      have.length === want.length &&
      want.every((w, i) => contains(have[i], w))
    );
  }
  if (want && typeof want === "object") {
    if (!have || typeof have !== "object" || Array.isArray(have)) return false;
    return Object.entries(want as Record<string, unknown>).every(
      ([k, v]) => v === undefined || contains((have as Record<string, unknown>)[k], v),
    );
  }
  return have === want;
}

function annotation(obj: KubernetesObject, name: string): string | undefined {
  return obj.metadata?.annotations?.[name];
}
