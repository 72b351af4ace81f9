// What the controller tells the outside (metrics, the events stream, logs of
// the HTTP server) as it works, without the outside reaching into it.
import { EventEmitter } from "node:events";
import type { SyncEventData } from "../../schemas/status/sync-event.js";
import type { AlertEventData } from "../../schemas/status/alert-event.js";
import type { PlatformStatus } from "./status.js";

/** A repository sync finished: the events stream's `sync` event, which adds the time. */
export type SyncEvent = Omit<SyncEventData, "time">;

export interface FetchEvent {
  repo: string;
  ms: number;
  result: "ok" | "error";
}

export interface PlatformEvent {
  repo: string;
  platform: PlatformStatus;
  /** API writes this reconcile sent. */
  writes: number;
  ms: number;
  /** Deployments rendered; the others' inputs were unchanged (issue 17). */
  rendered?: number;
  /** Deployments whose objects were compared with the live ones. */
  compared?: number;
  /** Release versions and fronts rendered; the others' inputs were unchanged. */
  releaseRendered?: number;
  /** Release applies (a version or a front) compared with the live objects. */
  releaseCompared?: number;
}

/** What this replica writes now (sharding, issue 17). */
export interface OwnershipEvent {
  shards: number;
  platforms: number;
}

export interface BusEvents {
  sync: [SyncEvent];
  fetch: [FetchEvent];
  platform: [PlatformEvent];
  /** An alert was raised (issue 14): the events stream's `alert` event. */
  alert: [AlertEventData];
  /** A commit status or alert delivery was tried (issue 14), for metrics. */
  delivery: [DeliveryEvent];
  /** A platform another replica owns, whose stored status changed (issue 17): its owner's view. */
  observed: [PlatformEvent];
  ownership: [OwnershipEvent];
}

export interface DeliveryEvent {
  provider: string;
  kind: "commit-status" | "alert";
  result: "sent" | "failed" | "given_up" | "skipped";
}

export class Bus extends EventEmitter<BusEvents> {}
