// Provisional: replaced by the topology graph at merge.
// A nested list of system → app → component → Deployment → ReplicaSet → Pod,
// with Services and Ingresses, so the page has something true to show until
// the graph (dagre layout, pan, zoom, filter, search) takes its place.
import { h, type ComponentChildren } from "preact";
import type { Topology } from "../../../schemas/api/topology.js";

type Component = Topology["apps"][number]["components"][number];

const li = (cls: string, ...children: ComponentChildren[]) => h("li", { class: cls }, ...children);

function component(c: Component) {
  return li(
    "topo-component",
    h("strong", null, `component ${c.name}`),
    h(
      "ul",
      null,
      ...c.deployments.map((d) =>
        li(
          "topo-deployment",
          `Deployment ${d.name} · ${d.state ?? "?"} · ${d.replicas}`,
          h(
            "ul",
            null,
            ...d.replicaSets.map((rs) =>
              li(
                "topo-replicaset",
                `ReplicaSet ${rs.name} · ${rs.readyReplicas}/${rs.replicas}`,
                h(
                  "ul",
                  null,
                  ...rs.pods.map((p) =>
                    li(
                      "topo-pod",
                      `Pod ${p.name} · ${p.phase}${p.ready ? " · ready" : " · not ready"}${p.restarts ? ` · ${p.restarts} restarts` : ""}`,
                    ),
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
      ...c.services.map((s) =>
        li(
          "topo-service",
          `Service ${s.name} · ${s.type} · ${s.ports.map((p) => p.port).join(", ")}`,
        ),
      ),
      ...c.ingresses.map((i) => li("topo-ingress", `Ingress ${i.name} · ${i.hosts.join(", ")}`)),
    ),
  );
}

export function TopologyView(props: { topology: Topology; platform: string }) {
  const t = props.topology;
  return h(
    "div",
    { class: "topology", "data-platform": props.platform },
    h(
      "ul",
      { class: "topo-tree" },
      li(
        "topo-system",
        h("strong", null, `system ${t.system}`),
        ` · namespace ${t.namespace}`,
        h(
          "ul",
          null,
          ...t.apps.map((a) =>
            li(
              "topo-app",
              h("strong", null, `app ${a.name}`),
              h("ul", null, ...a.components.map(component)),
            ),
          ),
          ...t.ingresses.map((i) =>
            li("topo-ingress", `Ingress ${i.name} · ${i.hosts.join(", ")}`),
          ),
        ),
      ),
    ),
  );
}
