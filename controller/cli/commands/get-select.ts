// What `kubefox-gitops get KIND [NAME]` shows of a Snapshot: the records
// asked for, as a table or as data. Pure, so each case is a table test.
import { stringify } from "yaml";
import type { PlatformRecord, Snapshot } from "./get-records.js";
import {
  deploymentTable,
  formatTable,
  historyTable,
  platformTable,
  releaseTable,
  repositoryTable,
  type Table,
} from "./get-table.js";

export type Kind = "platforms" | "deployments" | "releases" | "repositories";

/** Every name a kind goes by, as kubectl takes singular and plural. */
const kindNames: Record<string, Kind> = {
  platform: "platforms",
  platforms: "platforms",
  deployment: "deployments",
  deployments: "deployments",
  release: "releases",
  releases: "releases",
  repository: "repositories",
  repositories: "repositories",
  repo: "repositories",
  repos: "repositories",
};

export function kindOf(word: string | undefined): Kind | undefined {
  return word === undefined ? undefined : kindNames[word.toLowerCase()];
}

export interface Query {
  kind: Kind;
  name?: string;
  platform?: string;
  history?: boolean;
  output: "table" | "json" | "yaml";
}

/** What to print, or why nothing was found (exit 1). */
export type Shown = { text: string } | { notFound: string };

export function show(query: Query, snapshot: Snapshot, now: number): Shown {
  const { kind, name, platform } = query;
  let platforms = snapshot.platforms;
  if (platform !== undefined) {
    platforms = platforms.filter((p) => p.name === platform);
    if (platforms.length === 0) return { notFound: `no platform ${platform}` };
  }
  const on = platform !== undefined ? ` on platform ${platform}` : "";
  switch (kind) {
    case "platforms": {
      const found = name === undefined ? platforms : platforms.filter((p) => p.name === name);
      if (name !== undefined && found.length === 0) return { notFound: `no platform ${name}` };
      return out(query, found, name, platformTable(found, now));
    }
    case "deployments": {
      const found = only(platforms, (p) => ({
        ...p,
        deployments: p.deployments.filter((d) => name === undefined || d.ref === name),
      }));
      const records = found.flatMap((p) => p.deployments);
      if (name !== undefined && records.length === 0)
        return { notFound: `no deployment of ref ${name}${on}` };
      return out(query, records, name, deploymentTable(found, now));
    }
    case "releases": {
      const found = only(platforms, (p) => ({
        ...p,
        releases: p.releases.filter((r) => name === undefined || r.environment === name),
      }));
      const records = found.flatMap((p) => p.releases);
      if (name !== undefined && records.length === 0)
        return { notFound: `no release of environment ${name}${on}` };
      if (query.history) {
        // One table per release: one environment may be released on several platforms.
        if (query.output !== "table") return out(query, records, name, releaseTable(found, now));
        const text = records
          .map((r) => {
            const title = records.length > 1 ? `platform ${r.platform}:\n` : "";
            return title + formatTable(historyTable(r, now));
          })
          .join("\n");
        return { text };
      }
      return out(query, records, name, releaseTable(found, now));
    }
    case "repositories": {
      const all = snapshot.repositories ?? [];
      const found = name === undefined ? all : all.filter((s) => s.metadata.name === name);
      if (name !== undefined && found.length === 0) return { notFound: `no system ${name}` };
      return out(query, found, name, repositoryTable(found, now));
    }
  }
}

function only(
  platforms: readonly PlatformRecord[],
  keep: (p: PlatformRecord) => PlatformRecord,
): PlatformRecord[] {
  return platforms.map(keep);
}

/** A table; or as data: one record when NAME picked exactly one, else a list. */
function out(
  query: Query,
  records: readonly unknown[],
  name: string | undefined,
  table: Table,
): Shown {
  if (query.output === "table") {
    if (table.rows.length === 0) return { text: "" };
    return { text: formatTable(table) };
  }
  const data = name !== undefined && records.length === 1 ? records[0] : records;
  return {
    text:
      query.output === "json"
        ? `${JSON.stringify(data, null, 2)}\n`
        : stringify(data, { lineWidth: 0, aliasDuplicateObjects: false }),
  };
}
