// What a release's decision looks at, read now: the commit its ref resolves to,
// that version and the active one rendered, the health of the candidate's
// Deployments and other objects, and, only when the decision may need it, whether the commit is
// an ancestor of the active or pending one. Reads only: nothing is written here.
import { randomBytes } from "node:crypto";
import type { KubernetesObject } from "@kubernetes/client-node";
import { ValidationError } from "../errors.js";
import type { ControlModel } from "../model/load-control.js";
import { renderReleaseFront, renderReleaseVersion, type ReleaseTarget } from "../render/release.js";
import type { PlatformTarget } from "../render/input.js";
import { environmentContext, requireEnvironment } from "./environment.js";
import { componentHealth, notReadyObjects, watchKinds } from "./health.js";
import type { PlatformInput } from "./platform-input.js";
import {
  ancestryQuestions,
  entryOf,
  type Candidate,
  type Failure,
  type ReleaseObservation,
  type Rendered,
} from "./release-machine.js";
import type { ReleasePolicy, ReleaseState } from "./release.js";
import { releaseRenderKey, type ReleaseRenderInputs } from "./release-memo.js";
import { atCommit } from "./systems.js";

/** Where a release is rendered and what it reads. */
export interface ReleaseView {
  input: PlatformInput;
  platform: PlatformTarget;
  now: () => Date;
  /** Counted over the platform's releases: parts rendered, and applies compared with the live objects. */
  work: { rendered: number; compared: number };
}

export async function observeRelease(
  view: ReleaseView,
  release: { environment: string; ref: string },
  stored: ReleaseState | undefined,
  policy: ReleasePolicy,
): Promise<ReleaseObservation> {
  const seen = {
    release,
    policy,
    now: view.now(),
    newReleaseId: `${release.environment}-${randomBytes(4).toString("hex")}`,
  };
  let target: ReleaseTarget;
  let candidate: Candidate;
  try {
    target = releaseTarget(view.input.control, release);
    candidate = await observeCandidate(view, target, stored);
  } catch (error) {
    return { ...seen, candidate: { error } };
  }
  if (!stored?.active) return { ...seen, candidate };
  const active =
    stored.active.commit === candidate.commit
      ? { objects: { objects: candidate.objects }, front: candidate.front }
      : {
          objects: await attempt(() => renderVersion(view, stored.active!.commit, target)),
          front: await attempt(() => renderFront(view, stored.active!.commit, target)),
        };
  return { ...seen, candidate, active };
}

async function observeCandidate(
  view: ReleaseView,
  target: ReleaseTarget,
  stored: ReleaseState | undefined,
): Promise<Candidate> {
  const { input } = view;
  const commit = await input.resolveRef(target.ref);
  const objects = await renderVersion(view, commit, target);
  const front = await attempt(() => renderFront(view, commit, target));
  // Health from the watch cache, which must watch the version's kinds (after a restart it starts empty).
  const entries = objects.map(entryOf);
  await watchKinds(input.cache, entries);
  const health = componentHealth(input.cache, entries);
  const notReady = notReadyObjects(input.cache, entries);
  const ask = ancestryQuestions(stored, { commit, health, notReady });
  return {
    commit,
    objects,
    front,
    health,
    notReady,
    ...(ask.ofActive && stored?.active
      ? { olderThanActive: await input.isAncestor(commit, stored.active.commit) }
      : {}),
    ...(ask.ofPending && stored?.pending
      ? { olderThanPending: await input.isAncestor(commit, stored.pending.commit) }
      : {}),
  };
}

function releaseTarget(
  control: ControlModel,
  release: { environment: string; ref: string },
): ReleaseTarget {
  const env = control.environments[release.environment];
  if (!env)
    throw new ValidationError([
      {
        file: `environments/${release.environment}.yaml`,
        line: 1,
        col: 1,
        message: `environment ${release.environment} does not exist`,
      },
    ]);
  return {
    ref: release.ref,
    environment: environmentContext(control, release.environment),
    hostNames: env.spec.hostNames,
  };
}

type PartRenderer = (
  view: ReleaseView,
  commit: string,
  target: ReleaseTarget,
) => Promise<KubernetesObject[]>;

/** `render`, or what the last reconcile with the same inputs rendered (release-memo.ts). */
function memoised(part: ReleaseRenderInputs["part"], render: PartRenderer): PartRenderer {
  return (view, commit, target) => {
    const counted = () => void view.work.rendered++;
    const memo = view.input.releaseMemo;
    const now = () => render(view, commit, target);
    if (!memo) {
      counted();
      return now();
    }
    const key = releaseRenderKey({ part, platform: view.platform, target, commit });
    return memo.render(key, now, counted);
  };
}

const renderVersion = memoised("version", renderVersionNow);
const renderFront = memoised("front", renderFrontNow);

async function renderVersionNow(
  view: ReleaseView,
  commit: string,
  target: ReleaseTarget,
): Promise<KubernetesObject[]> {
  const loaded = await view.input.systems.get(commit);
  if (loaded.ok) requireEnvironment(loaded.model, target.environment);
  const rendered = renderReleaseVersion(await loadAt(view, commit), view.platform, target);
  if (rendered.problems.length > 0) throw new ValidationError(rendered.problems.map(asProblem));
  return rendered.objects;
}

async function renderFrontNow(
  view: ReleaseView,
  commit: string,
  target: ReleaseTarget,
): Promise<KubernetesObject[]> {
  const rendered = renderReleaseFront(await loadAt(view, commit), view.platform, target);
  if (rendered.problems.length > 0) throw new ValidationError(rendered.problems.map(asProblem));
  return rendered.objects;
}

async function loadAt(view: ReleaseView, commit: string) {
  const loaded = await view.input.systems.get(commit);
  if (!loaded.ok) throw new ValidationError(loaded.problems);
  return atCommit(loaded.model, commit);
}

/** "apps/x/app.yaml: message" as a Problem at the file's start (the model keeps no positions past loading). */
function asProblem(text: string) {
  const colon = text.indexOf(": ");
  return colon > 0 && text.slice(0, colon).endsWith(".yaml")
    ? { file: text.slice(0, colon), line: 1, col: 1, message: text.slice(colon + 2) }
    : { file: ".", line: 1, col: 1, message: text };
}

async function attempt(render: () => Promise<KubernetesObject[]>): Promise<Rendered> {
  try {
    return { objects: await render() };
  } catch (error) {
    return { error } satisfies Failure;
  }
}
