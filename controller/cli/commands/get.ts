// `kubefox-gitops get platforms|deployments|releases|repositories [NAME]`
// (issue 15): the status of what the controller runs, as `kubectl get` and
// `flux get` print it, from a running controller's status API (--server) or
// from the status ConfigMaps in the cluster. Exit 0 found (whatever its
// state), 1 no such NAME or --platform, 2 could not run.
import { readFileSync } from "node:fs";
import { describeError, SettingsError, StatusReadError } from "../../errors.js";
import { commandHelp, parseCommandLine, usageLine } from "../command-line.js";
import { getCommand } from "../settings.js";
import { clusterSource, serverSource, type Source } from "./get-source.js";
import { kindOf, show, type Query } from "./get-select.js";

const usage = usageLine(getCommand);
const tokenEnv = "KUBEFOX_GITOPS_API_TOKEN";
/** How often --watch reads the ConfigMaps again, without a server. */
const pollMs = 2000;

interface Result {
  code: number;
  text: string;
  key: string;
}

export async function get(args: string[]): Promise<number> {
  let query: Query;
  let source: Source;
  let server: ReturnType<typeof serverSource> | undefined;
  let watch: boolean;
  try {
    const { values, positionals } = parseCommandLine(getCommand, args, process.env);
    if (values.help) {
      process.stdout.write(commandHelp(getCommand));
      return 0;
    }
    const kind = kindOf(positionals[0]);
    if (!kind)
      throw new SettingsError(
        positionals[0] === undefined
          ? "say what to get: platforms, deployments, releases or repositories"
          : `${positionals[0]}: get platforms, deployments, releases or repositories`,
      );
    if (positionals.length > 2)
      throw new SettingsError(`one NAME at most, got ${positionals.length - 1}`);
    const name = positionals[1];
    if (values.history && (kind !== "releases" || name === undefined))
      throw new SettingsError("--history goes with release NAME");
    query = {
      kind,
      ...(name !== undefined ? { name } : {}),
      ...(values.platform !== undefined ? { platform: values.platform } : {}),
      history: values.history,
      output: values.output as Query["output"],
    };
    watch = values.watch;
    if (values.server) {
      server = serverSource(values.server, token(values["token-file"]));
      source = server;
    } else {
      if (kind === "repositories")
        throw new SettingsError(
          "repositories are known only to a running controller: give --server URL (or KUBEFOX_GITOPS_SERVER)",
        );
      source = clusterSource(values.kubeconfig, values.context);
    }
  } catch (err) {
    return fail(`${describeError(err)}\n${usage}`);
  }

  const once = async (): Promise<Result> => {
    const snapshot = await source.read({ repositories: query.kind === "repositories" });
    const shown = show(query, snapshot, Date.now());
    if ("notFound" in shown) return { code: 1, text: shown.notFound, key: shown.notFound };
    // What --watch compares: the table with every age at "0s", so that a
    // sync that changed nothing but its time prints nothing new.
    const key = show({ ...query, output: "table" }, snapshot, 0);
    return { code: 0, text: shown.text, key: "text" in key ? key.text : "" };
  };

  let first: Result;
  try {
    first = await once();
  } catch (err) {
    return fail(err instanceof StatusReadError ? err.message : describeError(err));
  }
  print(first, source.where);
  if (!watch || first.code !== 0) return first.code;
  return follow(once, server, first.key);
}

/** --watch: print again whenever the output changes, until Ctrl-C. */
async function follow(
  once: () => Promise<Result>,
  server: ReturnType<typeof serverSource> | undefined,
  shownKey: string,
): Promise<number> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let last = shownKey;
  let reading: Promise<void> | undefined;
  let again = false;
  const refresh = (): void => {
    if (reading) {
      again = true;
      return;
    }
    reading = once()
      .then((result) => {
        if (result.key !== last && !stop.signal.aborted) {
          last = result.key;
          process.stdout.write("\n");
          print(result, "");
        }
      })
      .catch((err: unknown) =>
        say(err instanceof StatusReadError ? err.message : describeError(err)),
      )
      .finally(() => {
        reading = undefined;
        if (again) {
          again = false;
          refresh();
        }
      });
  };
  try {
    if (server) {
      // The events stream says when something changed; reconnect if it closes.
      while (!stop.signal.aborted) {
        await server.events(stop.signal, refresh).catch((err: unknown) => {
          if (!stop.signal.aborted)
            say(err instanceof StatusReadError ? err.message : describeError(err));
        });
        if (!stop.signal.aborted) await sleep(pollMs, stop.signal);
      }
    } else {
      while (!stop.signal.aborted) {
        await sleep(pollMs, stop.signal);
        if (!stop.signal.aborted) refresh();
      }
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  await reading;
  return 0;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function print(result: { code: number; text: string }, where: string): void {
  if (result.code !== 0) say(result.text);
  else if (result.text === "") say(`nothing found${where ? ` in ${where}` : ""}`);
  else process.stdout.write(result.text);
}

/** The status API's token: from --token-file, or KUBEFOX_GITOPS_API_TOKEN; never a flag's value. */
function token(file: string | undefined): string | undefined {
  if (!file) return process.env[tokenEnv] || undefined;
  let text: string;
  try {
    text = readFileSync(file, "utf8").trim();
  } catch (err) {
    throw new SettingsError(
      `--token-file ${file}: ${(err as NodeJS.ErrnoException).code ?? "unreadable"}`,
    );
  }
  if (!text) throw new SettingsError(`--token-file ${file}: the file is empty`);
  return text;
}

function say(line: string): void {
  process.stderr.write(`kubefox-gitops get: ${line}\n`);
}

function fail(message: string): number {
  say(message);
  return 2;
}
