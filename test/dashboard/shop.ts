// The repository the dashboard suite deploys: app store with one component,
// an environment prod released at tag/v* with a short activation deadline, and
// a platform with a deployment of branch/main and that release.
export const deadlineSeconds = 8;

export function appFile(options: { image: string; replicas?: number; cpu?: string }): string {
  return `apiVersion: kubefox.io/v1alpha1
kind: App
metadata: {name: store}
spec:
  components:
    web:
      image: ${options.image}
      replicas: ${options.replicas ?? 1}
      ports: [{name: http, containerPort: 8080}]
${options.cpu ? `      resources: {requests: {cpu: "${options.cpu}"}}\n` : ""}`;
}

export function shopFiles(platform: string, namespace: string): Record<string, string> {
  return {
    "kubefox.yaml":
      "apiVersion: kubefox.io/v1alpha1\nkind: System\nmetadata: {name: shop}\nspec: {title: Shop}\n",
    "apps/store/app.yaml": appFile({ image: "ghcr.io/acme/shop-web:1.0.0" }),
    "environments/prod.yaml": `apiVersion: kubefox.io/v1alpha1
kind: Environment
metadata: {name: prod}
spec:
  vars: {region: eu-west-1}
  releasePolicy: {activationDeadlineSeconds: ${deadlineSeconds}, historyLimit: 5}
`,
    [`platforms/${platform}.yaml`]: `apiVersion: kubefox.io/v1alpha1
kind: Platform
metadata: {name: ${platform}}
spec:
  namespace: ${namespace}
  deployments:
    - ref: branch/main
  releases:
    - {environment: prod, ref: tag/v*}
`,
  };
}
