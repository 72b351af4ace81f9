// The dashboard's topology graph (issue 13): `<TopologyView topology platform />`
// draws a platform's `platform/{name}/topology` answer and fills its container.
export { TopologyView, type TopologyViewProps } from "./topology-view.js";
export {
  toGraph,
  type GraphFilter,
  type Collapse,
  type TopoGraph,
  type TopoNode,
} from "./graph.js";
export { layout, type Layout } from "./layout.js";
export { search } from "./search.js";
