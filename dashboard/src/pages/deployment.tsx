// One deployment: its state, commits, per-component health, what holds it
// back, conflicts, warnings, the namespace's unmanaged objects, its inventory.
import { useStore } from "../hooks.js";
import { href } from "../routes.js";
import { Commit } from "../ui/commit.js";
import { ComponentsTable } from "../ui/components-table.js";
import { ErrorText } from "../ui/error-text.js";
import { ObjectTable, Section } from "../ui/objects.js";
import { repoOf } from "../ui/repo-of.js";
import { StateBadge } from "../ui/state-badge.js";
import { TimeAgo } from "../ui/time-view.js";

export function DeploymentPage(props: { platform: string; system: string; ref: string }) {
  const state = useStore();
  const loaded = state.platforms.get(props.platform);
  const p = loaded?.value;
  // The system's name comes from kubefox.yaml on the control branch; while that does not
  // load, the API names it after the repository. A platform runs one system: the ref decides.
  const d =
    p?.status.deployments.find((x) => x.system === props.system && x.ref === props.ref) ??
    p?.status.deployments.find((x) => x.ref === props.ref);
  if (!p || !d)
    return (
      <>
        <h1>
          Deployment {props.ref} on {props.platform}
        </h1>
        {loaded?.error ? (
          <ErrorText text={loaded.error} repo={undefined} commit={undefined} />
        ) : (
          <p class="muted">{p ? "No such deployment in the platform file." : "Reading…"}</p>
        )}
      </>
    );
  const s = d.status;
  const repo = repoOf(state, d.system);
  return (
    <>
      <h1>
        Deployment <code>{d.ref}</code> on{" "}
        <a href={`${href({ page: "overview" })}`}>{d.platform}</a> <StateBadge state={s.state} />
      </h1>
      <dl class="facts">
        <dt>System</dt>
        <dd>{d.system}</dd>
        {d.environment ? (
          <>
            <dt>Environment</dt>
            <dd>{d.environment}</dd>
          </>
        ) : null}
        <dt>Ref resolved to</dt>
        <dd>
          <Commit id={s.id} repo={repo} system={d.system} />
        </dd>
        <dt>Running</dt>
        <dd>
          <Commit id={s.appliedId} repo={repo} system={d.system} />
        </dd>
        <dt>Last sync</dt>
        <dd>
          <TimeAgo at={s.lastSyncTime} />
        </dd>
        <dt>State since</dt>
        <dd>
          <TimeAgo at={s.lastTransitionTime} />
        </dd>
        <dt>Namespace</dt>
        <dd>
          <code>{p.namespace}</code> ·{" "}
          <a href={href({ page: "topology", platform: p.metadata.name })}>topology</a>
        </dd>
      </dl>
      {s.lastError ? (
        <Section title="Last error">
          <ErrorText text={s.lastError} code={s.lastErrorCode} repo={repo} commit={s.id} />
        </Section>
      ) : null}
      <Section title="Components" count={s.components.length}>
        <ComponentsTable
          label="components"
          components={s.components}
          repo={repo}
          system={d.system}
        />
      </Section>
      {s.notReady?.length ? (
        <Section title="Not ready" count={s.notReady.length}>
          <ObjectTable
            label="objects not ready"
            rows={s.notReady.map((o) => ({ ...o, extra: `${o.state}: ${o.message}` }))}
            extraTitle="Why"
            empty=""
          />
        </Section>
      ) : null}
      <Section title="Conflicts" count={s.conflicts.length}>
        <ObjectTable
          label="conflicts"
          rows={s.conflicts.map((o) => ({ ...o, extra: o.message }))}
          extraTitle="Message"
          empty="None: every object we want is ours."
        />
      </Section>
      <Section title="Warnings" count={s.warnings.length}>
        {s.warnings.length === 0 ? (
          <p class="muted">None.</p>
        ) : (
          <ul>
            {s.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        )}
      </Section>
      <Section title="Unmanaged in the namespace" count={p.status.unmanaged.length}>
        <ObjectTable
          label="unmanaged objects"
          rows={p.status.unmanaged.map((o) => ({ ...o, extra: o.managers.join(", ") }))}
          extraTitle="Managed by"
          empty="None: everything in the namespace is ours."
        />
      </Section>
      <Section title="Inventory" count={s.inventory.length}>
        <ObjectTable label="inventory" rows={s.inventory} empty="Nothing applied yet." />
      </Section>
    </>
  );
}
