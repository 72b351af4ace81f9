// Certificates and credentials for a local control plane, made fresh for every
// cluster with openssl: a CA, the API server's serving certificate, the service
// account signing key, and static bearer tokens for each client identity.
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";

export interface Identity {
  user: string;
  groups: string[];
  token: string;
}

export interface Pki {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
  tokenFile: string;
  /** admin: tests and people; controller: the kubefox-gitops dev identity; one per component. */
  identities: Record<"admin" | "controller" | "controllerManager" | "scheduler" | "kwok", Identity>;
}

const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await execa("openssl", args, { cwd });
  } catch (err) {
    const e = err as { code?: string; stderr?: string; message: string };
    if (e.code === "ENOENT") {
      throw new Error(
        "hack: openssl is needed to make the local cluster's certificates; install it.",
      );
    }
    throw new Error(`hack: openssl ${args[0]} failed: ${e.stderr ?? e.message}`);
  }
}

export async function createPki(dir: string): Promise<Pki> {
  const file = (name: string) => path.join(dir, name);
  await openssl(
    [
      "req",
      "-x509",
      ...ecKey,
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-days",
      "3650",
      "-subj",
      "/CN=kubefox-local-ca",
    ],
    dir,
  );
  await openssl(
    [
      "req",
      "-new",
      ...ecKey,
      "-keyout",
      "apiserver.key",
      "-out",
      "apiserver.csr",
      "-subj",
      "/CN=kube-apiserver",
    ],
    dir,
  );
  await writeFile(
    file("apiserver.ext"),
    [
      "basicConstraints=CA:FALSE",
      "keyUsage=digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes," +
        "DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local",
      "",
    ].join("\n"),
  );
  await openssl(
    [
      "x509",
      "-req",
      "-in",
      "apiserver.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "3650",
      "-out",
      "apiserver.crt",
      "-extfile",
      "apiserver.ext",
    ],
    dir,
  );
  await openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sa.key"], dir);
  await openssl(["ec", "-in", "sa.key", "-pubout", "-out", "sa.pub"], dir);

  const token = () => randomBytes(24).toString("hex");
  const identities: Pki["identities"] = {
    admin: { user: "kubefox-admin", groups: ["system:masters"], token: token() },
    controller: { user: "kubefox-gitops-dev", groups: ["system:masters"], token: token() },
    // Without per-controller service accounts its own user lacks most controllers'
    // permissions (kubeadm runs it with --use-service-account-credentials); a
    // throwaway local cluster gives it system:masters instead.
    controllerManager: {
      user: "system:kube-controller-manager",
      groups: ["system:masters"],
      token: token(),
    },
    scheduler: { user: "system:kube-scheduler", groups: [], token: token() },
    kwok: { user: "kwok", groups: ["system:masters"], token: token() },
  };
  const tokenFile = file("tokens.csv");
  await writeFile(
    tokenFile,
    Object.values(identities)
      .map((id) => `${id.token},${id.user},${id.user},"${id.groups.join(",")}"`)
      .join("\n") + "\n",
    { mode: 0o600 },
  );
  return {
    caCert: file("ca.crt"),
    caKey: file("ca.key"),
    serverCert: file("apiserver.crt"),
    serverKey: file("apiserver.key"),
    serviceAccountKey: file("sa.key"),
    serviceAccountPub: file("sa.pub"),
    tokenFile,
    identities,
  };
}

/** A kubeconfig for one identity, with the CA embedded so it works from anywhere. */
export function kubeconfigYaml(
  server: string,
  caPem: string,
  id: Identity,
  context = "kubefox-local",
): string {
  const ca = Buffer.from(caPem).toString("base64");
  return `apiVersion: v1
kind: Config
clusters:
  - name: ${context}
    cluster:
      server: ${server}
      certificate-authority-data: ${ca}
users:
  - name: ${id.user}
    user:
      token: ${id.token}
contexts:
  - name: ${context}
    context:
      cluster: ${context}
      user: ${id.user}
current-context: ${context}
`;
}
