// What was delivered, per platform namespace, kept in a ConfigMap of our own,
// `kubefox-gitops-notifications` (sent.json, schemas/notify/sent.ts), so that
// a restart sends nothing new for unchanged states (issue 14). Not the status
// ConfigMap: that one is written once per reconcile, and deliveries finish
// whenever the host answers. It carries our managed-by label (so it is never
// listed as unmanaged) but no platform label (so its writes wake no drift
// sync, and prune and diff never see it). Writes are batched: one a second at
// most, and only when what was sent changed.
import type { KubernetesObject, V1ConfigMap } from "@kubernetes/client-node";
import type { ManagedCache } from "../cluster/cache.js";
import type { ClusterClient } from "../cluster/client.js";
import { labels, managedByValue } from "../cluster/labels.js";
import { describeError } from "../errors.js";
import type { Logger } from "../log.js";
import { withDesiredHash } from "../render/deployment.js";
import { applyAll } from "../reconcile/apply.js";
import type { CommitStatusState } from "../../schemas/notify/commit-status.js";
import type { SentRecord } from "../../schemas/notify/sent.js";

export const sentConfigMapName = "kubefox-gitops-notifications";

/** Commit statuses remembered per namespace: the newest this many. */
const maxStatuses = 500;

export class SentStore {
  record: SentRecord = { statuses: {}, alerts: {} };
  /** True once the ConfigMap holds a record (loaded or written). */
  found = false;
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: ClusterClient,
    private readonly cache: ManagedCache,
    private readonly namespace: string,
    private readonly log: Logger,
  ) {}

  private ref() {
    return {
      apiVersion: "v1",
      kind: "ConfigMap",
      name: sentConfigMapName,
      namespace: this.namespace,
    };
  }

  async load(): Promise<void> {
    try {
      await this.cache.ensure("v1", "ConfigMap");
      const live = (this.cache.get(this.ref()) ?? (await this.client.get(this.ref()))) as
        V1ConfigMap | undefined;
      const text = live?.data?.["sent.json"];
      if (!text) return;
      const parsed = JSON.parse(text) as Partial<SentRecord>;
      this.record = { statuses: parsed.statuses ?? {}, alerts: parsed.alerts ?? {} };
      this.found = true;
    } catch (err) {
      this.log.warn("reading what was sent failed; starting afresh", {
        namespace: this.namespace,
        error: describeError(err),
      });
    }
  }

  status(key: string): { state: CommitStatusState; description: string } | undefined {
    return this.record.statuses[key];
  }

  markStatus(key: string, state: CommitStatusState, description: string): void {
    this.record.statuses[key] = { state, description, time: new Date().toISOString() };
    this.scheduleSave();
  }

  setAlerts(alerts: Record<string, string>): void {
    this.record.alerts = alerts;
    this.scheduleSave();
  }

  scheduleSave(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.saving = this.saving.then(() => this.save());
    }, 1000);
    this.timer.unref();
  }

  /** Writes what is pending now (on stop). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.saving = this.saving.then(() => this.save());
    }
    await this.saving;
  }

  private async save(): Promise<void> {
    const entries = Object.entries(this.record.statuses);
    if (entries.length > maxStatuses) {
      entries.sort((a, b) => b[1].time.localeCompare(a[1].time));
      this.record.statuses = Object.fromEntries(entries.slice(0, maxStatuses));
    }
    try {
      const result = await applyAll(this.client, this.cache, [this.object()]);
      if (result.errors.length > 0) throw new Error(result.errors.map((e) => e.message).join("; "));
      this.found = true;
    } catch (err) {
      this.log.warn("recording what was sent failed; trying again with the next delivery", {
        namespace: this.namespace,
        error: describeError(err),
      });
    }
  }

  private object(): KubernetesObject {
    return withDesiredHash({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: sentConfigMapName,
        namespace: this.namespace,
        labels: { [labels.managedBy]: managedByValue, [labels.owner]: "notifications" },
      },
      data: { "sent.json": JSON.stringify(this.record, null, 1) },
    } satisfies V1ConfigMap);
  }
}
