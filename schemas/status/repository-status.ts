// A watched repository's sync status (controller/sync/repository.ts), as the
// status API serves it under system/{name}.
import type { FromSchema } from "json-schema-to-ts";
import { commit, count, flag, text, texts, time } from "./fields.js";

export const repositoryStatusSchema = {
  type: "object",
  additionalProperties: false,
  description: "a watched repository's sync status",
  required: ["source", "controlProblems", "syncs", "synced"],
  properties: {
    source: text("the repository's URL (credentials masked) or path"),
    controlBranch: text("the control branch: the one the platform files are read from"),
    controlId: commit("the control branch's commit the platforms were last read from"),
    controlProblems: texts("problems on the control branch, `file:line:col: message` each"),
    lastFetchTime: time("when a fetch last succeeded"),
    lastSyncTime: time("when the last sync finished"),
    lastError: text("the last fetch or control-branch error; cleared by a good sync"),
    syncs: count("syncs since the controller started"),
    synced: flag("true once its first sync finished and every platform was reconciled once"),
  },
} as const;

export type RepositorySyncStatus = FromSchema<typeof repositoryStatusSchema>;

/** The status the repository keeps itself; `synced` is asked of it when served. */
export type RepositoryStatus = Omit<RepositorySyncStatus, "synced">;
