// Generated KubeFox systems for the benchmarks: N components spread over apps
// of ten, each with an image, a port and a variable (a Deployment, a Service
// and a ConfigMap each), and a platform that deploys `branch/main`.

export function systemFiles(
  components: number,
  image: string,
  replicas = 1,
  /** One component with another image. */
  change?: { component: number; image: string },
): Record<string, string> {
  const files: Record<string, string> = {
    "kubefox.yaml":
      "apiVersion: kubefox.io/v1alpha1\nkind: System\nmetadata: {name: bench}\nspec: {title: Bench}\n",
  };
  const apps = Math.ceil(components / 10);
  for (let a = 0; a < apps; a++) {
    const lines = [
      "apiVersion: kubefox.io/v1alpha1",
      "kind: App",
      `metadata: {name: app-${a}}`,
      "spec:",
      "  components:",
    ];
    for (let c = a * 10; c < Math.min(components, (a + 1) * 10); c++) {
      lines.push(
        `    c${c}:`,
        `      image: ${c === change?.component ? change.image : image}`,
        `      replicas: ${replicas}`,
        "      ports: [{name: http, containerPort: 8080}]",
        `      env: {INDEX: "${c}"}`,
      );
    }
    files[`apps/app-${a}/app.yaml`] = `${lines.join("\n")}\n`;
  }
  return files;
}

export function platformFiles(namespace: string): Record<string, string> {
  return {
    "platforms/bench.yaml": `apiVersion: kubefox.io/v1alpha1
kind: Platform
metadata: {name: bench}
spec:
  namespace: ${namespace}
  deployments:
    - ref: branch/main
`,
  };
}
