// kubefox-gitops run: the controller's main loop until SIGTERM or SIGINT. The
// first signal lets the writes in flight finish and stops; a second one stops
// at once (the next start converges: every write is an idempotent apply).
import { Controller } from "../controller.js";
import { createLogger } from "../log.js";
import { parseSettings } from "../settings.js";

export async function run(args: string[]): Promise<number> {
  const settings = parseSettings(args, process.env);
  const log = createLogger({ level: settings.logLevel, format: settings.logFormat });
  const controller = new Controller(settings, log);
  log.info("starting", {
    repos: settings.repos.length,
    stateDir: settings.stateDir,
    poll: settings.poll,
  });
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
      controller.stop().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
  });
}
