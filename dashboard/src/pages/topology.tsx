// The topology page: reads platform/{name}/topology (again on every platform
// and pod event of that platform) and hands it to the topology component.
import { useEffect } from "preact/hooks";
import { useStore } from "../hooks.js";
import { refreshTopology } from "../store.js";
import { TopologyView } from "../topology/index.js";
import { ErrorText } from "../ui/error-text.js";

export function TopologyPage({ platform }: { platform: string }) {
  const state = useStore();
  useEffect(() => {
    void refreshTopology(platform);
  }, [platform]);
  const loaded = state.topologies.get(platform);
  return (
    <>
      <h1>Topology of platform {platform}</h1>
      {loaded?.error ? <ErrorText text={loaded.error} repo={undefined} commit={undefined} /> : null}
      {loaded?.value ? (
        <div class="topology-host">
          <TopologyView topology={loaded.value} platform={platform} />
        </div>
      ) : loaded?.error ? null : (
        <p class="muted">Reading…</p>
      )}
    </>
  );
}
