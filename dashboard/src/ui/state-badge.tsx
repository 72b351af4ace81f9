// A state as text and icon, never colour alone (issue 13): the colour only
// repeats what the word and the shape say.
import type { State } from "../../../schemas/status/state.js";
import type { ArchiveReason } from "../../../schemas/status/release-version.js";

const icons: Record<State | ArchiveReason | "Active" | "Unknown", string> = {
  Ready: "✓",
  Progressing: "↻",
  Pending: "…",
  Degraded: "!",
  Failed: "✕",
  Superseded: "↥",
  PendingDeadlineExceeded: "⊘",
  RolledBack: "↶",
  Active: "●",
  Unknown: "?",
};

export function StateBadge({ state }: { state: keyof typeof icons | undefined }) {
  const s = state ?? "Unknown";
  return (
    <span class={`badge badge-${s}`}>
      <span class="badge-icon" aria-hidden="true">
        {icons[s] ?? "?"}
      </span>
      {s}
    </span>
  );
}
