// What rendering reads: one system at one commit, the platform it runs on, and
// (for releases, or deployments that name one) an environment. Plain data, so
// rendering stays a pure function of it.
import type { Component } from "../../schemas/component.js";
import type { KubeObject } from "../../schemas/manifest.js";
import type { SecretRef } from "../../schemas/config.js";

export type Scalar = string | number | boolean;

export interface SystemAtCommit {
  name: string;
  commit: string;
  apps: Record<string, { components: Record<string, Component> }>;
  /** Raw objects from manifests/, with the file each came from. */
  manifests: { file: string; object: KubeObject }[];
}

export interface EnvironmentContext {
  name: string;
  /** The config it names, if any (for messages). */
  config?: string;
  /** The environment's vars, inheritance already resolved. */
  vars: Record<string, Scalar>;
  /** Secret references of its config, by template name. */
  secrets: Record<string, SecretRef>;
  /** Per-component variables of its config. */
  componentVars: Record<string, Record<string, Scalar>>;
}

export interface PlatformTarget {
  name: string;
  namespace: string;
  policy: {
    allowPrivileged: boolean;
    allowHostNetwork: boolean;
    allowHostPID: boolean;
    allowHostPath: boolean;
  };
}
