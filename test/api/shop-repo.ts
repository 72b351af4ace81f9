// The repository the status API suites read: a system on main, a tag, a branch
// with a slash, an environment whose file changed since the tag (two blob ids),
// a config with a secret reference, and a platform with deployments of all
// three refs and a release.
import type { WorkingCopy } from "../../hack/git/working-copy.js";
import { createRepoWithClone, type TestRepo } from "../support/git.js";
import { platformFile, systemFiles } from "../support/systems.js";

export interface ShopRepo {
  repo: TestRepo;
  work: WorkingCopy;
  /** The commit tagged v1.0.0 (environment prod: region eu-west-1). */
  tagged: string;
  /** main and feature/x (environment prod: region us-east-1). */
  head: string;
}

export function environmentFile(region: string): Record<string, string> {
  return {
    "environments/prod.yaml": `apiVersion: kubefox.io/v1alpha1
kind: Environment
metadata: {name: prod}
spec:
  config: prod
  hostNames: [shop.example.com]
  vars: {region: ${region}, domain: shop.example.com}
`,
  };
}

export const configFile = {
  "configs/prod.yaml": `apiVersion: kubefox.io/v1alpha1
kind: Config
metadata: {name: prod}
spec:
  components:
    web: {vars: {LOG_LEVEL: info}}
  secrets:
    dbPassword: {secretRef: {name: shop-db, key: password}}
`,
};

export const releases = `  releases:
    - environment: prod
      ref: tag/v*
`;

export async function createShopRepo(
  prefix: string,
  platform: string,
  namespace: string,
): Promise<ShopRepo> {
  const { repo, work } = await createRepoWithClone(prefix);
  const tagged = await work.commitAndPush(
    {
      ...systemFiles({ replicas: 1 }),
      ...environmentFile("eu-west-1"),
      ...configFile,
      ...platformFile(platform, namespace, ["branch/main"], releases),
    },
    "first system",
  );
  await work.tag("v1.0.0");
  await work.git("push", "--quiet", "origin", "v1.0.0");
  const head = await work.commitAndPush(
    {
      ...environmentFile("us-east-1"),
      ...platformFile(
        platform,
        namespace,
        ["branch/main", "tag/v1.0.0", "branch/feature/x"],
        releases,
      ),
    },
    "move prod to us-east-1; deploy v1.0.0 and feature/x",
  );
  await work.git("push", "--quiet", "origin", "HEAD:refs/heads/feature/x");
  return { repo, work, tagged, head };
}
