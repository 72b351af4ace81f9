// Lists of Kubernetes objects: inventory, not-ready objects, conflicts, unmanaged.
import type { ComponentChildren } from "preact";

export function Section(props: { title: string; count?: number; children: ComponentChildren }) {
  return (
    <section class="card" aria-label={props.title}>
      <h2>
        {props.title}
        {props.count !== undefined ? <span class="count"> ({props.count})</span> : null}
      </h2>
      {props.children}
    </section>
  );
}

export function ObjectTable(props: {
  label: string;
  rows: { kind: string; name: string; namespace?: string; extra?: string }[];
  extraTitle?: string;
  empty: string;
}) {
  if (props.rows.length === 0) return <p class="muted">{props.empty}</p>;
  return (
    <div class="table-wrap">
      <table class="rows" aria-label={props.label}>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Name</th>
            {props.extraTitle ? <th scope="col">{props.extraTitle}</th> : null}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr key={`${r.kind}/${r.namespace ?? ""}/${r.name}`}>
              <td>{r.kind}</td>
              <td>
                <code>{r.name}</code>
              </td>
              {props.extraTitle ? <td>{r.extra}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
