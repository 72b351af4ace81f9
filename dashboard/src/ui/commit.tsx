// A commit: its short id, linked to the Git host's page where the repository
// URL says which host it is, and its subject as text.
import { commitUrl } from "../git-links.js";
import { state, wantSubject } from "../store.js";

export function Commit(props: {
  id: string | undefined;
  repo: string | undefined;
  system: string;
  subject?: boolean;
}) {
  // Pages follow the store and render their rows again on a change: no listener per commit
  // (a deployment page at 500 components has 500 of them).
  const { subjects } = state;
  const { id, repo, system } = props;
  if (!id) return <span class="muted">none</span>;
  const short = id.slice(0, 7);
  const url = repo ? commitUrl(repo, id) : undefined;
  if (props.subject !== false) wantSubject(system, id);
  const subject = subjects.get(id);
  return (
    <span class="commit">
      {url ? (
        <a href={url} rel="noreferrer noopener" target="_blank" title={id}>
          <code>{short}</code>
        </a>
      ) : (
        <code title={id}>{short}</code>
      )}
      {props.subject !== false && subject ? <span class="subject"> {subject}</span> : null}
    </span>
  );
}
