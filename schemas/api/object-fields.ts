// Fields every object the status API serves starts with, as KubeFox v0 has them.
import { API_VERSION } from "../common.js";

/** `kind` and `apiVersion`, e.g. `Deployment`, `kubefox.io/v1alpha1`. */
export const kindFields = <const Kind extends string>(kind: Kind) =>
  ({
    kind: { const: kind, description: `always ${kind}` },
    apiVersion: { const: API_VERSION, description: `always ${API_VERSION}` },
  }) as const;

/** A short commit id: the first 7 hex digits, as KubeFox shows it. */
export const gitHash = (description: string) =>
  ({ type: "string", pattern: "^[0-9a-f]{7}$", description }) as const;

/** A Git blob id: the id of a file's content. */
export const blobId = (description: string) =>
  ({ type: "string", pattern: "^[0-9a-f]{40}$", description }) as const;
