// Repository contents for tests: a small KubeFox system and its control files,
// as the YAML a person would commit.

export interface SystemOptions {
  system?: string;
  image?: string;
  replicas?: number;
  /** Extra components of app `store`, as YAML lines under `components:` (indented 4). */
  extraComponents?: string;
}

export function systemFiles(options: SystemOptions = {}): Record<string, string> {
  return {
    "kubefox.yaml": `apiVersion: kubefox.io/v1alpha1
kind: System
metadata: {name: ${options.system ?? "shop"}}
spec: {title: Shop}
`,
    "apps/store/app.yaml": `apiVersion: kubefox.io/v1alpha1
kind: App
metadata: {name: store}
spec:
  title: Store
  components:
    web:
      image: ${options.image ?? "ghcr.io/acme/shop-web:1.0.0"}
      replicas: ${options.replicas ?? 2}
      ports: [{name: http, containerPort: 8080}]
      env:
        GREETING: hello
        REGION: "{{.Env.region}}"
${options.extraComponents ?? ""}`,
  };
}

export function platformFile(
  name: string,
  namespace: string,
  refs: string[],
  extra = "",
): Record<string, string> {
  return {
    [`platforms/${name}.yaml`]: `apiVersion: kubefox.io/v1alpha1
kind: Platform
metadata: {name: ${name}}
spec:
  namespace: ${namespace}
  deployments:
${refs.map((r) => `    - ref: ${r}`).join("\n")}
${extra}`,
  };
}
