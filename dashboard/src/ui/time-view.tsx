// A time as "2 min ago", the exact time in <time datetime> and its title.
import { useNow } from "../hooks.js";
import { countdown, exact, relative } from "../time.js";

export function TimeAgo({ at }: { at: string | undefined }) {
  const now = useNow(10_000);
  if (!at) return <span class="muted">never</span>;
  return (
    <time dateTime={at} title={exact(at)}>
      {relative(at, now)}
    </time>
  );
}

export function Countdown({ deadline }: { deadline: string }) {
  const now = useNow(1000);
  const left = Date.parse(deadline) - now;
  return (
    <time dateTime={deadline} title={exact(deadline)} class={left < 0 ? "overdue" : undefined}>
      {countdown(deadline, now)}
    </time>
  );
}
