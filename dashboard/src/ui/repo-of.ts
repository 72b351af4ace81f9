// The repository URL of a system, for links to its Git host.
import type { DashState } from "../store.js";

export function repoOf(state: DashState, system: string): string | undefined {
  return state.systems.get(system)?.value?.gitRepo;
}
