// The webhook providers by the name in their path, /webhooks/<name>.
import { bitbucket } from "./bitbucket.js";
import { generic } from "./generic.js";
import { gitea } from "./gitea.js";
import { github } from "./github.js";
import { gitlab } from "./gitlab.js";
import type { Provider } from "./provider.js";

export const providers: ReadonlyMap<string, Provider> = new Map(
  [github, gitlab, gitea, bitbucket, generic].map((p) => [p.name, p]),
);
