// What the controller tells the outside (metrics, the events stream, logs of
// the HTTP server) as it works, without the outside reaching into it.
import { EventEmitter } from "node:events";
import type { SyncEventData } from "../../schemas/status/sync-event.js";
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
  /** A platform another replica owns, whose stored status changed (issue 17): its owner's view. */
  observed: [PlatformEvent];
  ownership: [OwnershipEvent];
}

export class Bus extends EventEmitter<BusEvents> {}
