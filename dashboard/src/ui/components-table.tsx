// Per-component health: state, replicas, the commit its pods run, why not Ready.
import type { ComponentHealth } from "../../../schemas/status/component-health.js";
import { Commit } from "./commit.js";
import { StateBadge } from "./state-badge.js";

export function ComponentsTable(props: {
  label: string;
  components: ComponentHealth[];
  repo: string | undefined;
  system: string;
}) {
  if (props.components.length === 0) return <p class="muted">No component yet.</p>;
  return (
    <div class="table-wrap">
      <table class="rows" aria-label={props.label}>
        <thead>
          <tr>
            <th scope="col">State</th>
            <th scope="col">App / component</th>
            <th scope="col">Replicas</th>
            <th scope="col">Runs commit</th>
            <th scope="col">Deployment</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {props.components.map((c) => (
            <tr key={c.deployment} data-component={`${c.app}/${c.component}`}>
              <td>
                <StateBadge state={c.state} />
              </td>
              <td>
                {c.app}/<strong>{c.component}</strong>
              </td>
              <td class="replicas">{c.replicas}</td>
              <td>
                <Commit id={c.commit} repo={props.repo} system={props.system} subject={false} />
              </td>
              <td>
                <code>{c.deployment}</code>
              </td>
              <td>{c.message ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
