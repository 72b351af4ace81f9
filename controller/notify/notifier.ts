// The thin executor of issue 14: after each platform reconcile (the bus's
// `platform` event) it works out, with the pure functions beside it, the
// commit statuses and alerts the new status asks for, and pushes them to the
// delivery queue. Nothing here runs inside a reconcile or makes it wait: the
// bus handler only chains work per platform. What was sent is remembered per
// namespace (sent-store.ts), so a restart repeats nothing.
import type { NotificationDoc } from "../../schemas/notification.js";
import type { CommitStatus } from "../../schemas/notify/commit-status.js";
import type { AlertEventData } from "../../schemas/status/alert-event.js";
import type { ClusterPool } from "../cluster/pool.js";
import { describeError } from "../errors.js";
import type { Logger } from "../log.js";
import { recordEvent } from "../reconcile/events.js";
import type { Bus, PlatformEvent, SyncEvent } from "../status/bus.js";
import { platformAlerts, sourceAlert } from "./alerts.js";
import { commitStatuses } from "./commit-statuses.js";
import { DeliveryQueue, type Delivery } from "./delivery-queue.js";
import type { HttpRequest } from "./http-request.js";
import { receiverFor, type NotifySettings } from "./notify-settings.js";
import { routeAlert } from "./route.js";
import { wanted } from "./status-order.js";
import { genericMessage } from "./receivers/generic.js";
import { slackMessage } from "./receivers/slack.js";
import { teamsMessage } from "./receivers/teams.js";
import type { RetryPolicy } from "./retry.js";
import { send as httpSend, type Send } from "./send.js";
import { SentStore } from "./sent-store.js";
import { statusRequest } from "./status-request.js";
import { statusTarget, type StatusTarget } from "./status-target.js";
import { tokenFor } from "./tokens.js";

export interface NotifierOptions {
  bus: Bus;
  clusters: ClusterPool;
  settings: NotifySettings;
  /** The Notification files on a repository's control branch, by name. */
  notifications: (repo: string) => Readonly<Record<string, NotificationDoc>>;
  log: Logger;
  send?: Send;
  policy?: RetryPolicy;
  timeoutMs?: number;
}

interface StatusRoute {
  target: StatusTarget;
  token: string;
}

export class Notifier {
  private readonly queue: DeliveryQueue;
  private readonly stores = new Map<string, Promise<SentStore>>();
  /** Work per platform, one after the other, off the reconcile's path. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Alert memory of platforms whose repository has no Notification file: kept in memory. */
  private readonly memoryOnly = new Map<string, Record<string, string>>();
  /** The newest commit status queued per `<repo> <commit> <context>`, to drop repeats early. */
  private readonly queuedStatus = new Map<string, CommitStatus>();
  private readonly sourceErrors = new Map<string, string | undefined>();
  private readonly routes = new Map<string, StatusRoute | undefined>();
  private readonly warnedReceivers = new Set<string>();
  private readonly log: Logger;
  private readonly detach: () => void;

  constructor(private readonly options: NotifierOptions) {
    this.log = options.log.with({ component: "notify" });
    this.queue = new DeliveryQueue({
      send: options.send ?? httpSend,
      log: this.log,
      ...(options.policy ? { policy: options.policy } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      onOutcome: (o) => options.bus.emit("delivery", o),
    });
    const onPlatform = (e: PlatformEvent) =>
      this.chain(`${e.repo} ${e.platform.name}`, () => this.platform(e));
    const onSync = (e: SyncEvent) => this.chain(`${e.repo} source`, () => this.source(e));
    options.bus.on("platform", onPlatform);
    options.bus.on("sync", onSync);
    this.detach = () => {
      options.bus.off("platform", onPlatform);
      options.bus.off("sync", onSync);
    };
  }

  /** Resolves once every delivery queued so far was sent or given up. */
  async idle(): Promise<void> {
    await Promise.all(this.chains.values());
    await this.queue.idle();
  }

  /** Stops listening, drops what is queued, and records what was sent. */
  async close(): Promise<void> {
    this.detach();
    this.queue.close();
    await Promise.all([...this.chains.values()].map((c) => c.catch(() => undefined)));
    for (const store of this.stores.values()) await (await store).flush();
  }

  private chain(key: string, work: () => Promise<void>): void {
    const next = (this.chains.get(key) ?? Promise.resolve())
      .then(work)
      .catch((err: unknown) => this.log.warn("notifying failed", { error: describeError(err) }));
    this.chains.set(key, next);
  }

  /** Where a repository's statuses go, and with which token; undefined: none are sent. */
  private route(repo: string): StatusRoute | undefined {
    if (!this.routes.has(repo)) {
      const target = statusTarget(repo, this.options.settings.statusApis);
      const token = target && tokenFor(this.options.settings.statusTokens, target);
      this.routes.set(repo, target && token ? { target, token } : undefined);
      // Said once per repository, not per sync.
      if (target && token) this.log.info("commit statuses on", { repo, provider: target.provider });
      else if (target && !token)
        this.log.info("commit statuses off: no status token for this repository", { repo });
    }
    return this.routes.get(repo);
  }

  private store(context: string, namespace: string): Promise<SentStore> {
    const key = `${context} ${namespace}`;
    let store = this.stores.get(key);
    if (!store) {
      const cluster = this.options.clusters.get(context || undefined);
      const s = new SentStore(cluster.client, cluster.cache, namespace, this.log);
      store = s.load().then(() => s);
      this.stores.set(key, store);
    }
    return store;
  }

  private async platform(e: PlatformEvent): Promise<void> {
    const status = e.platform;
    const route = this.route(e.repo);
    const notifications = this.options.notifications(e.repo);
    const persistent = route !== undefined || Object.keys(notifications).length > 0;
    const store = persistent ? await this.store(status.cluster, status.namespace) : undefined;
    const publicUrl = this.options.settings.publicUrl;

    if (route && store)
      for (const s of commitStatuses(e.repo, status, publicUrl)) this.queueStatus(route, store, s);

    // Alerts: from what was last alerted; a repository without Notification files keeps
    // that in memory only, and its first look after a start only learns (no burst).
    const memoryKey = `${e.repo} ${status.name}`;
    const before = store ? store.record.alerts : this.memoryOnly.get(memoryKey);
    const { alerts, memory } = platformAlerts(before ?? {}, e.repo, status, {
      publicUrl,
      time: new Date().toISOString(),
    });
    if (store) {
      if (alerts.length > 0 || !store.found) store.setAlerts(memory);
    } else this.memoryOnly.set(memoryKey, memory);
    if (!store && before === undefined) return;
    for (const alert of alerts) this.raise(alert, notifications, status.cluster, status.namespace);
  }

  private async source(e: SyncEvent): Promise<void> {
    const { alert, last } = sourceAlert(
      this.sourceErrors.get(e.repo),
      e.repo,
      e.result === "error" ? e.error : undefined,
      new Date().toISOString(),
    );
    this.sourceErrors.set(e.repo, last);
    if (alert) this.raise(alert, this.options.notifications(e.repo));
  }

  private queueStatus(route: StatusRoute, store: SentStore, s: CommitStatus): void {
    const key = `${s.commit} ${s.context}`;
    const queuedKey = `${s.repo} ${key}`;
    const latest = this.queuedStatus.get(queuedKey) ?? store.status(key);
    if (!wanted(latest, s)) return;
    this.queuedStatus.set(queuedKey, s);
    const { target, token } = route;
    this.queue.push({
      lane: `${s.repo} ${s.context}`,
      host: target.host,
      provider: target.provider,
      kind: "commit-status",
      describe: `${s.state} on ${s.commit.slice(0, 12)} ${s.context}`,
      wanted: () => wanted(store.status(key), s),
      request: () => statusRequest(target, s, token),
      onSent: () => {
        store.markStatus(key, s.state, s.description);
        if (this.queuedStatus.get(queuedKey) === s) this.queuedStatus.delete(queuedKey);
      },
      secrets: [token],
    });
  }

  private raise(
    alert: AlertEventData,
    notifications: Readonly<Record<string, NotificationDoc>>,
    cluster?: string,
    namespace?: string,
  ): void {
    this.options.bus.emit("alert", alert);
    if (namespace !== undefined && Object.keys(notifications).length > 0) {
      const client = this.options.clusters.get(cluster || undefined).client;
      const type = alert.severity === "info" ? "Normal" : "Warning";
      void recordEvent(client, namespace, alert.type, alert.message, type).catch(() => undefined);
    }
    for (const [name, doc] of routeAlert(alert, notifications)) {
      const receiverName = doc.spec.receiver.name;
      const receiver = receiverFor(this.options.settings, receiverName);
      const kind = doc.spec.receiver.type;
      if (!receiver || (kind === "generic" && !receiver.secret)) {
        this.options.bus.emit("delivery", { provider: kind, kind: "alert", result: "given_up" });
        if (!this.warnedReceivers.has(receiverName)) {
          this.warnedReceivers.add(receiverName);
          this.log.error("receiver not configured: its alerts are dropped", {
            notification: name,
            receiver: receiverName,
            need: !receiver
              ? "a file of that name in --notification-secrets-dir, or KUBEFOX_GITOPS_RECEIVER_<NAME>"
              : "a signing secret: the file's second line, or KUBEFOX_GITOPS_RECEIVER_<NAME>_SECRET",
          });
        }
        continue;
      }
      const request = (): HttpRequest =>
        kind === "slack"
          ? slackMessage(receiver.url, alert)
          : kind === "teams"
            ? teamsMessage(receiver.url, alert)
            : genericMessage(receiver.url, receiver.secret!, name, alert);
      const delivery: Delivery = {
        lane: `receiver ${receiverName}`,
        host: `receiver ${receiverName}`,
        provider: kind,
        kind: "alert",
        describe: `${alert.type} to receiver ${receiverName} (notification ${name})`,
        request,
        secrets: [receiver.url, receiver.secret ?? ""],
      };
      this.queue.push(delivery);
    }
  }
}
