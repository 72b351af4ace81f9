// A repository: its health, its branches and tags, and which of them run where.
import { useEffect } from "preact/hooks";
import type { PlatformObject } from "../api.js";
import { useStore } from "../hooks.js";
import { href } from "../routes.js";
import { refMatches } from "../ref-match.js";
import { refreshRefs, type DashState } from "../store.js";
import { Commit } from "../ui/commit.js";
import { ErrorText } from "../ui/error-text.js";
import { Section } from "../ui/objects.js";
import { StateBadge } from "../ui/state-badge.js";
import { TimeAgo } from "../ui/time-view.js";

interface Use {
  platform: string;
  what: string;
  link: string;
  state: string | undefined;
}

function usesOf(state: DashState, system: string, kind: "branch" | "tag", name: string): Use[] {
  const out: Use[] = [];
  for (const pname of state.platformNames ?? []) {
    const p: PlatformObject | undefined = state.platforms.get(pname)?.value;
    if (!p || p.system !== system) continue;
    for (const d of p.status.deployments)
      if (refMatches(d.ref, kind, name))
        out.push({
          platform: pname,
          what: `deployment ${d.ref}`,
          link: href({ page: "deployment", platform: pname, system, ref: d.ref }),
          state: d.status.state,
        });
    for (const r of p.status.releases)
      if (refMatches(r.ref, kind, name))
        out.push({
          platform: pname,
          what: `release ${r.environment} (${r.ref})`,
          link: href({ page: "release", platform: pname, system, environment: r.environment }),
          state: r.status?.state,
        });
  }
  return out;
}

export function RepositoryPage({ system }: { system: string }) {
  const state = useStore();
  useEffect(() => {
    void refreshRefs(system);
  }, [system]);
  const head = state.systems.get(system)?.value;
  const repo = head?.status.repository;
  const refs = state.refs.get(system);
  const list = (kind: "branch" | "tag", names: string[]) =>
    names.length === 0 ? (
      <p class="muted">None.</p>
    ) : (
      <div class="table-wrap">
        <table class="rows" aria-label={kind === "branch" ? "branches" : "tags"}>
          <thead>
            <tr>
              <th scope="col">{kind === "branch" ? "Branch" : "Tag"}</th>
              <th scope="col">Runs on</th>
            </tr>
          </thead>
          <tbody>
            {names.map((n) => {
              const uses = usesOf(state, system, kind, n);
              return (
                <tr key={n} data-ref={`${kind}/${n}`}>
                  <td>
                    <code>{n}</code>
                  </td>
                  <td>
                    {uses.length === 0 ? (
                      <span class="muted">nowhere</span>
                    ) : (
                      <ul class="plain">
                        {uses.map((u) => (
                          <li key={u.link}>
                            <StateBadge state={u.state as "Ready"} /> platform {u.platform}:{" "}
                            <a href={u.link}>{u.what}</a>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    );
  return (
    <>
      <h1>Repository of system {system}</h1>
      {head && repo ? (
        <Section title="Health">
          <dl class="facts">
            <dt>Source</dt>
            <dd>
              <code>{repo.source}</code>
            </dd>
            <dt>Control branch</dt>
            <dd>
              <code>{repo.controlBranch ?? "?"}</code> at{" "}
              <Commit id={repo.controlId} repo={head.gitRepo} system={system} />
            </dd>
            <dt>Last fetch</dt>
            <dd>
              <TimeAgo at={repo.lastFetchTime} />
            </dd>
            <dt>Last sync</dt>
            <dd>
              <TimeAgo at={repo.lastSyncTime} /> ({repo.syncs} syncs)
            </dd>
          </dl>
          <ErrorText text={repo.lastError} repo={head.gitRepo} commit={undefined} />
          <ErrorText
            text={repo.controlProblems.join("\n") || undefined}
            repo={head.gitRepo}
            commit={repo.controlId}
          />
        </Section>
      ) : (
        <p class="muted">Reading…</p>
      )}
      {refs?.error ? <ErrorText text={refs.error} repo={undefined} commit={undefined} /> : null}
      <Section title="Branches" count={refs?.value?.branches.length}>
        {refs?.value ? list("branch", refs.value.branches) : <p class="muted">Reading…</p>}
      </Section>
      <Section title="Tags" count={refs?.value?.tags.length}>
        {refs?.value ? list("tag", refs.value.tags) : <p class="muted">Reading…</p>}
      </Section>
    </>
  );
}
