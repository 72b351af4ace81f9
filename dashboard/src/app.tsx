// The dashboard's shell: the token gate, the header with the live state, and
// the page the #fragment names. No data is read or shown before the API
// answers; where a token is set, before the token is entered.
import { useEffect, useState } from "preact/hooks";
import { api, ApiFailure, token } from "./api.js";
import { followEvents } from "./events.js";
import { useHash, useStore } from "./hooks.js";
import { DeploymentPage } from "./pages/deployment.js";
import { Overview } from "./pages/overview.js";
import { ReleasePage } from "./pages/release.js";
import { RepositoryPage } from "./pages/repository.js";
import { TopologyPage } from "./pages/topology.js";
import { href, parseRoute } from "./routes.js";
import { apply, changed, refreshAll, state as store } from "./store.js";

type Auth = "checking" | "needed" | "refused" | "ok" | "down";

export function App() {
  const [auth, setAuth] = useState<Auth>("checking");
  const [problem, setProblem] = useState("");
  const check = async () => {
    try {
      await api.platformNames();
      setAuth("ok");
    } catch (err) {
      if (err instanceof ApiFailure && err.status === 401) {
        const had = token.get() !== undefined;
        token.clear();
        setAuth(had ? "refused" : "needed");
      } else {
        setProblem(String(err instanceof Error ? err.message : err));
        setAuth("down");
      }
    }
  };
  useEffect(() => {
    void check();
  }, []);
  useEffect(() => {
    if (auth !== "ok") return;
    return followEvents({
      onEvent: apply,
      onReset: () => void refreshAll(),
      onState: (live) => {
        store.live = live;
        if (live === "unauthorized") {
          token.clear();
          setAuth("refused");
        }
        changed();
      },
    });
  }, [auth]);

  if (auth === "ok") return <Shell />;
  return (
    <main id="main" class="gate">
      <h1>kubefox-gitops</h1>
      {auth === "checking" ? <p class="muted">Connecting…</p> : null}
      {auth === "down" ? (
        <p role="alert" class="error">
          The status API does not answer: {problem}.{" "}
          <button type="button" onClick={() => void check()}>
            Try again
          </button>
        </p>
      ) : null}
      {auth === "needed" || auth === "refused" ? (
        <TokenForm refused={auth === "refused"} onToken={() => void check()} />
      ) : null}
    </main>
  );
}

function TokenForm(props: { refused: boolean; onToken: () => void }) {
  const [value, setValue] = useState("");
  return (
    <form
      class="card token-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!value.trim()) return;
        token.set(value.trim());
        props.onToken();
      }}
    >
      <h2>This controller asks for its API token</h2>
      <p>
        It is kept in this tab's session storage only and sent as a bearer token; it is never put in
        a URL.
      </p>
      {props.refused ? (
        <p role="alert" class="error">
          That token was refused. Check it and try again.
        </p>
      ) : null}
      <label for="token">API token</label>
      <input
        id="token"
        name="token"
        type="password"
        autoComplete="off"
        value={value}
        onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        autoFocus
      />
      <button type="submit">Show the dashboard</button>
    </form>
  );
}

const liveText = {
  connecting: "connecting…",
  live: "live",
  reconnecting: "reconnecting…",
  unauthorized: "token refused",
} as const;

function Shell() {
  const state = useStore();
  const hash = useHash();
  const route = parseRoute(hash);
  const [first, setFirst] = useState(true);
  useEffect(() => {
    // After a navigation, focus the page, so keyboard and screen reader users start there.
    if (first) setFirst(false);
    else document.getElementById("main")?.focus();
  }, [hash]);
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById("main")?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href({ page: "overview" })}>
          kubefox-gitops
        </a>
        <nav aria-label="pages">
          <a
            href={href({ page: "overview" })}
            aria-current={route.page === "overview" ? "page" : undefined}
          >
            Overview
          </a>
          {(state.systemNames ?? []).map((s) => (
            <a key={`s-${s}`} href={href({ page: "repository", system: s })}>
              Repository {s}
            </a>
          ))}
          {(state.platformNames ?? []).map((p) => (
            <a key={`t-${p}`} href={href({ page: "topology", platform: p })}>
              Topology {p}
            </a>
          ))}
        </nav>
        <span class={`live live-${state.live}`} role="status" aria-live="polite">
          <span aria-hidden="true">{state.live === "live" ? "●" : "○"}</span> {liveText[state.live]}
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  );
}

function Page({ route }: { route: ReturnType<typeof parseRoute> }) {
  switch (route.page) {
    case "overview":
      return <Overview />;
    case "deployment":
      return <DeploymentPage {...route} />;
    case "release":
      return <ReleasePage {...route} />;
    case "topology":
      return <TopologyPage platform={route.platform} />;
    case "repository":
      return <RepositoryPage system={route.system} />;
    case "not-found":
      return (
        <>
          <h1>No such page</h1>
          <p>
            <a href={href({ page: "overview" })}>Back to the overview</a>
          </p>
        </>
      );
  }
}
