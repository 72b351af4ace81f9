// An error as the status gives it, line by line; a `file:line:col` links to
// that line at the commit on the Git host's web UI where one is derivable.
import { fileLineUrl, problemLines } from "../git-links.js";

export function ErrorText(props: {
  text: string | undefined;
  code?: string | undefined;
  repo: string | undefined;
  commit: string | undefined;
}) {
  if (!props.text) return null;
  return (
    <div class="error" role="alert">
      {props.code ? <strong>[{props.code}] </strong> : null}
      <ul class="error-lines">
        {problemLines(props.text).map((p, i) => {
          if (!("file" in p)) return <li key={i}>{p.message}</li>;
          const where = `${p.file}:${p.line}:${p.col}`;
          const url =
            props.repo && props.commit
              ? fileLineUrl(props.repo, props.commit, p.file, p.line)
              : undefined;
          return (
            <li key={i}>
              {url ? (
                <a class="location" href={url} rel="noreferrer noopener" target="_blank">
                  {where}
                </a>
              ) : (
                <code class="location">{where}</code>
              )}
              : {p.message}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
