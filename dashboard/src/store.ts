// What the dashboard knows (issue 13): every platform and system as last
// read, commit subjects, topologies, and how the live stream is doing. Pages
// render from it; the events stream says what to read again. Reads of one
// thing never overlap: a read asked for while one runs is done once after it.
import { api, ApiFailure, type PlatformObject, type SystemHead, type Topology } from "./api.js";
import type { StreamEvent } from "../../schemas/status/events.js";
import type { LiveState } from "./events.js";

export interface Loaded<T> {
  value?: T;
  error?: string;
}

export interface DashState {
  /** Platform names in order, once read. */
  platformNames?: string[];
  platforms: Map<string, Loaded<PlatformObject>>;
  systemNames?: string[];
  systems: Map<string, Loaded<SystemHead>>;
  /** Commit subjects by id; null when the commit's tree could not be read. */
  subjects: Map<string, string | null>;
  topologies: Map<string, Loaded<Topology>>;
  refs: Map<string, Loaded<{ branches: string[]; tags: string[] }>>;
  live: LiveState;
  /** A read refused for want of the token. */
  unauthorized: boolean;
  /** When the last event arrived (for "updated ... ago"). */
  lastEvent?: string;
}

export const state: DashState = {
  platforms: new Map(),
  systems: new Map(),
  subjects: new Map(),
  topologies: new Map(),
  refs: new Map(),
  live: "connecting",
  unauthorized: false,
};

const listeners = new Set<() => void>();
let scheduled = false;

/** Tells the pages, once per frame however many things changed. */
export function changed(): void {
  if (scheduled) return;
  scheduled = true;
  const run = () => {
    scheduled = false;
    for (const l of listeners) l();
  };
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(run);
  else setTimeout(run, 0);
}

export function onChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const running = new Map<string, Promise<void>>();
const minReadGapMs = 250;
const again = new Set<string>();

/** Runs `read` for `key`, never two at once; asked again while running, it runs once more after. */
function coalesce(key: string, read: () => Promise<void>): Promise<void> {
  if (running.has(key)) {
    again.add(key);
    return running.get(key)!;
  }
  const p = (async () => {
    try {
      do {
        again.delete(key);
        await read();
        // At most a few reads of one thing a second, however many events ask for it.
        if (again.has(key)) await new Promise((r) => setTimeout(r, minReadGapMs));
      } while (again.has(key));
    } finally {
      running.delete(key);
    }
  })();
  running.set(key, p);
  return p;
}

function failure(err: unknown): string {
  if (err instanceof ApiFailure) {
    if (err.status === 401) {
      state.unauthorized = true;
    }
    return [err.message, ...err.validationErrors].join("\n");
  }
  return String(err);
}

export function refreshPlatform(name: string): Promise<void> {
  return coalesce(`platform:${name}`, async () => {
    try {
      state.platforms.set(name, { value: await api.platform(name) });
    } catch (err) {
      state.platforms.set(name, { ...state.platforms.get(name), error: failure(err) });
    }
    changed();
  });
}

export function refreshSystems(): Promise<void> {
  return coalesce("systems", async () => {
    try {
      const names = await api.systemNames();
      state.systemNames = names;
      await Promise.all(
        names.map(async (n) => {
          try {
            state.systems.set(n, { value: await api.system(n) });
          } catch (err) {
            state.systems.set(n, { error: failure(err) });
          }
        }),
      );
    } catch (err) {
      state.systemNames ??= [];
      failure(err);
    }
    changed();
  });
}

/** The platform names; reads the platforms not read yet (or every one, with `all`). */
export function refreshPlatformNames(all = false): Promise<void> {
  return coalesce(all ? "platforms:all" : "platforms", async () => {
    try {
      const names = await api.platformNames();
      state.platformNames = names;
      for (const gone of [...state.platforms.keys()].filter((n) => !names.includes(n)))
        state.platforms.delete(gone);
      changed();
      await Promise.all(
        names.filter((n) => all || !state.platforms.has(n)).map((n) => refreshPlatform(n)),
      );
    } catch (err) {
      state.platformNames ??= [];
      failure(err);
      changed();
    }
  });
}

export function refreshTopology(platform: string): Promise<void> {
  return coalesce(`topology:${platform}`, async () => {
    try {
      state.topologies.set(platform, { value: await api.topology(platform) });
    } catch (err) {
      state.topologies.set(platform, { ...state.topologies.get(platform), error: failure(err) });
    }
    changed();
  });
}

export function refreshRefs(system: string): Promise<void> {
  return coalesce(`refs:${system}`, async () => {
    try {
      const [branches, tags] = await Promise.all([api.branches(system), api.tags(system)]);
      state.refs.set(system, { value: { branches, tags } });
    } catch (err) {
      state.refs.set(system, { error: failure(err) });
    }
    changed();
  });
}

/** A commit's subject, read once per commit (a commit never changes). */
export function wantSubject(system: string, id: string): void {
  if (!id || state.subjects.has(id) || running.has(`subject:${id}`)) return;
  void coalesce(`subject:${id}`, async () => {
    try {
      state.subjects.set(id, (await api.systemAt(system, id)).message ?? null);
    } catch (err) {
      // An invalid tree (422) has no system to read the subject from.
      if (err instanceof ApiFailure && err.status === 401) failure(err);
      else state.subjects.set(id, null);
    }
    changed();
  });
}

/** Everything again: on the first connect, and when the stream could not replay. */
export async function refreshAll(): Promise<void> {
  state.unauthorized = false;
  await Promise.all([
    refreshPlatformNames(true),
    refreshSystems(),
    ...[...state.topologies.keys()].map((p) => refreshTopology(p)),
    ...[...state.refs.keys()].map((s) => refreshRefs(s)),
  ]);
}

/** What an event means for what is shown: read again what it touched. */
export function apply(event: StreamEvent): void {
  state.lastEvent = event.data.time;
  switch (event.event) {
    case "platform":
      void refreshPlatform(event.data.platform);
      if (state.topologies.has(event.data.platform)) void refreshTopology(event.data.platform);
      break;
    case "sync":
      // A new control branch may add or remove platforms; the repository's health moved.
      void refreshPlatformNames();
      void refreshSystems();
      for (const s of state.refs.keys())
        if (state.systemNames?.includes(s) !== false) void refreshRefs(s);
      break;
    case "pod": {
      // A pod changes the topology. The status it moves (replicas, health) comes with the
      // platform event of the reconcile the Deployment's change starts: rolling 500
      // components means 1,000 pod events, and each open page reading the whole platform
      // for each of them would load the controller for nothing.
      const platform = event.data.platform;
      if (platform && state.topologies.has(platform)) void refreshTopology(platform);
      break;
    }
  }
  changed();
}
