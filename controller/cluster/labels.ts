// The labels and annotations every managed object carries (DESIGN §3). These
// names are part of the contract with users' clusters: never rename them.

export const fieldManager = "kubefox-gitops";

export const labels = {
  managedBy: "app.kubernetes.io/managed-by",
  platform: "kubefox.io/platform",
  system: "kubefox.io/system",
  app: "kubefox.io/app",
  component: "kubefox.io/component",
  /**
   * The commit at which the object's content last changed (on a pod template: the
   * commit its pods run). Not part of the content: a commit that leaves an object
   * as it was writes nothing to it (issue 11).
   */
  commit: "kubefox.io/commit",
  environment: "kubefox.io/environment",
  /** Which deployment or release of the platform an object belongs to. */
  owner: "kubefox.io/owner",
} as const;

export const annotations = {
  /** The ref the object was rendered from; refs hold characters labels can't. */
  ref: "kubefox.io/ref",
  /** sha256 of the desired object as rendered: a changed hash means Git changed. */
  desiredHash: "kubefox.io/desired-hash",
  /** sha256 of a rendered Deployment's pod template, commit label left out: pods roll only when it changes. */
  templateHash: "kubefox.io/template-hash",
} as const;

export const managedByValue = "kubefox-gitops";

export const managedSelector = `${labels.managedBy}=${managedByValue}`;

export function isManaged(
  obj: { metadata?: { labels?: Record<string, string> } } | undefined,
): boolean {
  return obj?.metadata?.labels?.[labels.managedBy] === managedByValue;
}
