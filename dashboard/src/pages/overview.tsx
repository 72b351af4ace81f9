// Overview: the repositories' health at the top, then every platform with its
// deployments and releases, one row each.
import type { DeploymentObject, PlatformObject, ReleaseObject } from "../api.js";
import { useStore } from "../hooks.js";
import { href } from "../routes.js";
import type { DashState } from "../store.js";
import { Commit } from "../ui/commit.js";
import { ErrorText } from "../ui/error-text.js";
import { repoOf } from "../ui/repo-of.js";
import { StateBadge } from "../ui/state-badge.js";
import { TimeAgo } from "../ui/time-view.js";

export function Overview() {
  const state = useStore();
  return (
    <>
      <h1>Overview</h1>
      <Repositories state={state} />
      {state.platformNames === undefined ? (
        <p class="muted">Reading platforms…</p>
      ) : state.platformNames.length === 0 ? (
        <p>
          No platform yet: add a file under <code>platforms/</code> on the control branch.
        </p>
      ) : (
        state.platformNames.map((name) => <Platform key={name} name={name} state={state} />)
      )}
    </>
  );
}

function Repositories({ state }: { state: DashState }) {
  const names = state.systemNames ?? [];
  return (
    <section aria-labelledby="repos-h" class="card">
      <h2 id="repos-h">Repositories</h2>
      {names.length === 0 ? <p class="muted">Reading…</p> : null}
      <ul class="plain">
        {names.map((name) => {
          const loaded = state.systems.get(name);
          const head = loaded?.value;
          const repo = head?.status.repository;
          const healthy = repo && !repo.lastError && repo.controlProblems.length === 0;
          return (
            <li key={name} class="repo-line" data-system={name}>
              <StateBadge state={!repo ? undefined : healthy ? "Ready" : "Failed"} />{" "}
              <a href={href({ page: "repository", system: name })}>
                <strong>{name}</strong>
              </a>{" "}
              {repo ? (
                <>
                  <span class="muted">{repo.source}</span> · control branch{" "}
                  <code>{repo.controlBranch ?? "?"}</code> at{" "}
                  <Commit id={repo.controlId} repo={head.gitRepo} system={name} subject={false} /> ·
                  fetched <TimeAgo at={repo.lastFetchTime} /> · synced{" "}
                  <TimeAgo at={repo.lastSyncTime} />
                  <ErrorText text={repo.lastError} repo={head.gitRepo} commit={undefined} />
                  <ErrorText
                    text={repo.controlProblems.join("\n") || undefined}
                    repo={head.gitRepo}
                    commit={repo.controlId}
                  />
                </>
              ) : loaded?.error ? (
                <ErrorText text={loaded.error} repo={undefined} commit={undefined} />
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Platform({ name, state }: { name: string; state: DashState }) {
  const loaded = state.platforms.get(name);
  const p = loaded?.value;
  return (
    <section class="card platform" aria-labelledby={`p-${name}`} data-platform={name}>
      <h2 id={`p-${name}`}>
        Platform {name} {p ? <StateBadge state={worst(p)} /> : null}
      </h2>
      {p ? (
        <>
          <p class="meta">
            cluster context <code>{p.cluster?.context ?? "(default)"}</code> · namespace{" "}
            <code>{p.namespace}</code> · system <code>{p.system}</code> · reconciled{" "}
            <TimeAgo at={p.status.lastSyncTime} /> ·{" "}
            <a href={href({ page: "topology", platform: name })}>topology</a>
          </p>
          <ErrorText text={p.status.lastError} repo={repoOf(state, p.system)} commit={undefined} />
          <Deployments p={p} state={state} />
          <Releases p={p} state={state} />
        </>
      ) : loaded?.error ? (
        <ErrorText text={loaded.error} repo={undefined} commit={undefined} />
      ) : (
        <p class="muted">Reading…</p>
      )}
    </section>
  );
}

const order = ["Failed", "Degraded", "Progressing", "Pending", "Ready"] as const;
/** The platform's state: its worst deployment or release (the API's `healthy` leaves releases out). */
function worst(p: PlatformObject) {
  const states = [
    ...p.status.deployments.map((d) => d.status.state),
    ...p.status.releases.map((r) => r.status?.state ?? "Pending"),
  ];
  return order.find((s) => states.includes(s)) ?? (p.status.lastError ? "Failed" : "Ready");
}

function readyCount(components: { replicas: string; state: string }[]): string {
  return `${components.filter((c) => c.state === "Ready").length}/${components.length}`;
}

function Deployments({ p, state }: { p: PlatformObject; state: DashState }) {
  if (p.status.deployments.length === 0) return null;
  return (
    <div class="table-wrap">
      <table class="rows" aria-label={`deployments of platform ${p.metadata.name}`}>
        <caption>Deployments</caption>
        <thead>
          <tr>
            <th scope="col">State</th>
            <th scope="col">Ref</th>
            <th scope="col">Commit</th>
            <th scope="col">Components ready</th>
            <th scope="col">Last sync</th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {p.status.deployments.map((d) => (
            <DeploymentRow key={d.ref} d={d} state={state} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DeploymentRow({ d, state }: { d: DeploymentObject; state: DashState }) {
  const repo = repoOf(state, d.system);
  const s = d.status;
  return (
    <tr data-ref={d.ref}>
      <td>
        <StateBadge state={s.state} />
      </td>
      <td>
        <a href={href({ page: "deployment", platform: d.platform, system: d.system, ref: d.ref })}>
          {d.ref}
        </a>
        {d.environment ? <span class="muted"> (environment {d.environment})</span> : null}
      </td>
      <td>
        <Commit id={s.id || s.appliedId} repo={repo} system={d.system} />
      </td>
      <td>{readyCount(s.components)}</td>
      <td>
        <TimeAgo at={s.lastSyncTime} />
      </td>
      <td class="last-error">
        <ErrorText text={s.lastError} code={s.lastErrorCode} repo={repo} commit={s.id} />
      </td>
    </tr>
  );
}

function Releases({ p, state }: { p: PlatformObject; state: DashState }) {
  if (p.status.releases.length === 0) return null;
  return (
    <div class="table-wrap">
      <table class="rows" aria-label={`releases of platform ${p.metadata.name}`}>
        <caption>Releases</caption>
        <thead>
          <tr>
            <th scope="col">State</th>
            <th scope="col">Environment</th>
            <th scope="col">Ref</th>
            <th scope="col">Active</th>
            <th scope="col">Pending</th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {p.status.releases.map((r) => (
            <ReleaseRow key={r.environment} r={r} state={state} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ReleaseRow({ r, state }: { r: ReleaseObject; state: DashState }) {
  const repo = repoOf(state, r.system);
  const s = r.status;
  return (
    <tr data-environment={r.environment}>
      <td>
        <StateBadge state={s?.state ?? "Pending"} />
      </td>
      <td>
        <a
          href={href({
            page: "release",
            platform: r.platform,
            system: r.system,
            environment: r.environment,
          })}
        >
          {r.environment}
        </a>
      </td>
      <td>{r.ref}</td>
      <td>
        {s?.active ? (
          <>
            <Commit id={s.active.commit} repo={repo} system={r.system} /> since{" "}
            <TimeAgo at={s.active.activationTime} />
          </>
        ) : (
          <span class="muted">none</span>
        )}
      </td>
      <td>
        {s?.pending ? (
          <Commit id={s.pending.commit} repo={repo} system={r.system} />
        ) : (
          <span class="muted">none</span>
        )}
      </td>
      <td class="last-error">
        <ErrorText
          text={s?.lastError}
          code={s?.lastErrorCode}
          repo={repo}
          commit={s?.pending?.commit}
        />
      </td>
    </tr>
  );
}
