// One release: the active and the pending version (its deadline counting
// down), and the history as a timeline, newest first.
import type { ReleaseStatus } from "../api.js";
import { useStore } from "../hooks.js";
import { href } from "../routes.js";
import { Commit } from "../ui/commit.js";
import { ComponentsTable } from "../ui/components-table.js";
import { ErrorText } from "../ui/error-text.js";
import { ObjectTable, Section } from "../ui/objects.js";
import { repoOf } from "../ui/repo-of.js";
import { StateBadge } from "../ui/state-badge.js";
import { Countdown, TimeAgo } from "../ui/time-view.js";

type Version = NonNullable<ReleaseStatus["active"]>;

export function ReleasePage(props: { platform: string; system: string; environment: string }) {
  const state = useStore();
  const loaded = state.platforms.get(props.platform);
  const p = loaded?.value;
  // As for a deployment: the environment decides when the system's name moved.
  const r =
    p?.status.releases.find(
      (x) => x.system === props.system && x.environment === props.environment,
    ) ?? p?.status.releases.find((x) => x.environment === props.environment);
  if (!p || !r)
    return (
      <>
        <h1>
          Release {props.environment} on {props.platform}
        </h1>
        {loaded?.error ? (
          <ErrorText text={loaded.error} repo={undefined} commit={undefined} />
        ) : (
          <p class="muted">{p ? "No such release in the platform file." : "Reading…"}</p>
        )}
      </>
    );
  const s = r.status;
  const repo = repoOf(state, r.system);
  const version = (v: Version) => (
    <dl class="facts">
      <dt>Version</dt>
      <dd>
        <code>{v.releaseId}</code>
      </dd>
      <dt>Commit</dt>
      <dd>
        <Commit id={v.commit} repo={repo} system={r.system} />
      </dd>
      <dt>Ref</dt>
      <dd>{v.ref}</dd>
      <dt>Requested</dt>
      <dd>
        <TimeAgo at={v.requestTime} />
      </dd>
      {v.activationTime ? (
        <>
          <dt>Serving since</dt>
          <dd>
            <TimeAgo at={v.activationTime} />
          </dd>
        </>
      ) : null}
    </dl>
  );
  return (
    <>
      <h1>
        Release <code>{r.environment}</code> on{" "}
        <a href={href({ page: "overview" })}>{r.platform}</a>{" "}
        <StateBadge state={s?.state ?? "Pending"} />
      </h1>
      <p class="meta">
        system {r.system} · ref <code>{r.ref}</code> ·{" "}
        <a href={href({ page: "topology", platform: r.platform })}>topology</a>
      </p>
      {s?.lastError ? (
        <Section title="Last error">
          <ErrorText
            text={s.lastError}
            code={s.lastErrorCode}
            repo={repo}
            commit={s.pending?.commit}
          />
        </Section>
      ) : null}
      <div class="two">
        <Section title="Active version">
          {s?.active ? (
            <div class="version active-version">
              {version(s.active)}
              <ComponentsTable
                label="active components"
                components={s.components}
                repo={repo}
                system={r.system}
              />
            </div>
          ) : (
            <p class="muted">None serves yet.</p>
          )}
        </Section>
        <Section title="Pending version">
          {s?.pending ? (
            <div class="version pending-version">
              {version(s.pending)}
              {s.deadline ? (
                <p class="deadline">
                  Must be Available by <Countdown deadline={s.deadline} />
                </p>
              ) : null}
              <ComponentsTable
                label="pending components"
                components={s.pendingComponents}
                repo={repo}
                system={r.system}
              />
              {s.pendingNotReady?.length ? (
                <ObjectTable
                  label="pending objects not ready"
                  rows={s.pendingNotReady.map((o) => ({ ...o, extra: o.message }))}
                  extraTitle="Why"
                  empty=""
                />
              ) : null}
            </div>
          ) : (
            <p class="muted">None: nothing waits to cut over.</p>
          )}
        </Section>
      </div>
      <Section title="History" count={s?.history.length ?? 0}>
        {!s || s.history.length === 0 ? (
          <p class="muted">No version has left this release yet.</p>
        ) : (
          <ol class="timeline" aria-label="history, newest first">
            {s.history.map((h) => (
              <li key={`${h.releaseId}-${h.archiveTime}`} data-reason={h.reason}>
                <StateBadge state={h.reason} /> <code>{h.releaseId}</code>{" "}
                <Commit id={h.commit} repo={repo} system={r.system} />
                <div class="muted">
                  {h.ref} · requested <TimeAgo at={h.requestTime} />
                  {h.activationTime ? (
                    <>
                      {" "}
                      · served from <TimeAgo at={h.activationTime} />
                    </>
                  ) : (
                    " · never served"
                  )}{" "}
                  · archived <TimeAgo at={h.archiveTime} />
                </div>
              </li>
            ))}
          </ol>
        )}
      </Section>
    </>
  );
}
