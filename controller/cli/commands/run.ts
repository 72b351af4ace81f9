// kubefox-gitops run: the controller's main loop until SIGTERM or SIGINT. The
// first signal stops the HTTP server, lets the writes in flight finish and
// stops; a second one stops at once (the next start converges: every write is
// an idempotent apply).
import type { RunningServer } from "../../../webhooks/server.js";
import { commandHelp, parseCommandLine } from "../command-line.js";
import { describeError } from "../../errors.js";
import { dashboardDir } from "../dashboard-dir.js";
import { runCommand, settingsFrom } from "../settings.js";

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandLine(runCommand, args, process.env);
  if (values.help) {
    process.stdout.write(commandHelp(runCommand));
    return 0;
  }
  const settings = settingsFrom(values, process.env);
  // Imported only now, so that --help (and a wrong flag) answer at once.
  const [
    { createServer },
    { Controller },
    { createLogger },
    { Metrics },
    { ControllerStatusView },
    { Notifier },
  ] = await Promise.all([
    import("../../../webhooks/server.js"),
    import("../../sync/controller.js"),
    import("../../log.js"),
    import("../../status/metrics.js"),
    import("../../status/view.js"),
    import("../../notify/notifier.js"),
  ]);
  const log = createLogger({ level: settings.logLevel, format: settings.logFormat });
  const controller = new Controller(settings, log);
  log.info("starting", {
    repos: settings.repos.length,
    stateDir: settings.stateDir,
    poll: settings.poll,
  });

  // The server comes first: /healthz answers while the first clones run, and
  // /readyz says when they are done.
  const metrics = new Metrics(controller.bus, {
    cachedObjects: () => controller.clusters.cachedObjects,
  });
  const view = new ControllerStatusView(controller, log);
  // Commit statuses and alerts (issue 14), from the bus: never in a reconcile's way.
  const notifier = new Notifier({
    bus: controller.bus,
    clusters: controller.clusters,
    settings: settings.notify,
    notifications: (repo) =>
      controller.repositories.find((r) => r.location === repo)?.control?.model.notifications ?? {},
    log,
  });
  const { listen } = createServer({
    webhooks: {
      secret: settings.webhookSecret,
      repositories: () => controller.repositories.map((r) => r.location),
      // A push changes some refs: the platforms that read them reconcile (issue 17).
      requestSync: (matches, reason, refs) =>
        controller.requestSync((r) => matches(r.location), reason, {
          changedOnly: true,
          ...(refs ? { refs } : {}),
        }),
    },
    view,
    ready: () => controller.ready,
    metrics,
    apiToken: settings.apiToken,
    log: log.with({ component: "http" }),
    dashboardDir: dashboardDir(),
  });
  let server: RunningServer;
  try {
    server = await listen(settings.listen.host, settings.listen.port);
  } catch (err) {
    log.error("cannot listen", {
      listen: `${settings.listen.host}:${settings.listen.port}`,
      error: describeError(err),
    });
    return 1;
  }
  if (!settings.webhookSecret)
    log.warn("no webhook secret: every webhook is refused (--webhook-secret-file)");
  await controller.start();

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        log.warn("second signal: stopping now", { signal });
        process.exit(130);
      }
      stopping = true;
      log.info("stopping: finishing the sync in flight", { signal });
      server
        .close()
        .then(() => view.close())
        .then(() => metrics.close())
        .then(() => notifier.close())
        .then(() => controller.stop())
        .then(
          () => resolve(0),
          () => resolve(1),
        );
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
  });
}
