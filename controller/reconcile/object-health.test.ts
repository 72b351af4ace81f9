import type { KubernetesObject } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { KStatus } from "./kind-health.js";
import { objectHealth } from "./object-health.js";
import type { State } from "../status/status.js";

const now = new Date("2030-01-01T00:00:00Z");
const secondsAgo = (s: number) => new Date(now.getTime() - s * 1000).toISOString();

interface Case {
  name: string;
  object: KubernetesObject | undefined;
  /** What kstatus computes: its status and the reason of its Reconciling or Stalled condition. */
  kstatus: { status: KStatus; reason?: string };
  /** Where ours differs from kstatus, on purpose, and why. */
  ours?: { status: KStatus; why: string };
  /** The message a user reads, where the case pins it. */
  message?: string;
}

const stateOf: Record<KStatus, State> = {
  Current: "Ready",
  InProgress: "Progressing",
  Terminating: "Progressing",
  NotFound: "Progressing",
  Failed: "Degraded",
};

/** Objects of `kind` in namespace qual, as kstatus's tests write them. */
const obj = (
  apiVersion: string,
  kind: string,
  rest: { generation?: number; spec?: object; status?: object | null; creationTimestamp?: string },
): KubernetesObject =>
  ({
    apiVersion,
    kind,
    metadata: {
      name: "test",
      namespace: "qual",
      ...(rest.generation !== undefined ? { generation: rest.generation } : {}),
      ...(rest.creationTimestamp ? { creationTimestamp: rest.creationTimestamp } : {}),
    },
    ...(rest.spec ? { spec: rest.spec } : {}),
    ...(rest.status !== undefined ? { status: rest.status } : {}),
  }) as KubernetesObject;

const pod = (status?: object, creationTimestamp?: string) =>
  obj("v1", "Pod", { generation: 1, ...(status ? { status } : {}), creationTimestamp });
const pvc = (status?: object) =>
  obj("v1", "PersistentVolumeClaim", { generation: 1, ...(status ? { status } : {}) });
const sts = (spec?: object, status?: object) =>
  obj("apps/v1", "StatefulSet", { generation: 1, spec, ...(status ? { status } : {}) });
const ds = (status?: object, generation = 1) =>
  obj("apps/v1", "DaemonSet", { generation, ...(status ? { status } : {}) });
const dep = (status?: object, spec?: object) =>
  obj("apps/v1", "Deployment", { generation: 1, spec, ...(status ? { status } : {}) });
const rs = (spec?: object, status?: object) =>
  obj("apps/v1", "ReplicaSet", { generation: 1, spec, ...(status ? { status } : {}) });
const cr = (status?: object, generation = 1) =>
  obj("something/v1", "MyCR", { generation, ...(status ? { status } : {}) });
const job = (spec?: object, status?: object) =>
  obj("batch/v1", "Job", { generation: 1, spec, ...(status ? { status } : {}) });
const svc = (spec?: object, status?: object) =>
  obj("v1", "Service", { generation: 1, spec, ...(status ? { status } : {}) });
const crd = (status?: object) =>
  obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", {
    generation: 1,
    ...(status ? { status } : {}),
  });
const ingress = (status?: object) =>
  obj("networking.k8s.io/v1", "Ingress", { generation: 1, ...(status ? { status } : {}) });

const deploymentRule =
  "our Deployment rule (deployment-health.ts) is kept: it gives no kstatus reasons";

// kstatus's own test cases, as data: the objects and the results its tests expect, from
// sigs.k8s.io/cli-utils pkg/kstatus/status/status_compute_test.go (TestPodStatus to
// TestCRDStatus), core_test.go (the suspended Jobs) and status_augment_test.go (a Pod's
// standard conditions, a custom kind without conditions), at commit 5895ad6c (Oct 2025).
// Their tests check the status and the condition's reason, not the message.
const kstatusCases: Case[] = [
  // TestPodStatus
  {
    name: "podNoStatus",
    object: pod(),
    kstatus: { status: "InProgress", reason: "PodNotObserved" },
  },
  {
    name: "podReady",
    object: pod({ phase: "Running", conditions: [{ type: "Ready", status: "True" }] }),
    kstatus: { status: "Current" },
  },
  {
    name: "podCompletedSuccessfully",
    object: pod({
      phase: "Succeeded",
      conditions: [{ type: "Ready", status: "False", reason: "PodCompleted" }],
    }),
    kstatus: { status: "Current" },
  },
  {
    name: "podCompletedFailed",
    object: pod({
      phase: "Failed",
      conditions: [{ type: "Ready", status: "False", reason: "PodCompleted" }],
    }),
    kstatus: { status: "Current" },
  },
  {
    name: "podBeingScheduled",
    object: pod(
      {
        phase: "Pending",
        conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable" }],
      },
      secondsAgo(5),
    ),
    kstatus: { status: "InProgress", reason: "PodNotScheduled" },
  },
  {
    name: "podUnschedulable",
    object: pod({
      phase: "Pending",
      conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable" }],
    }),
    kstatus: { status: "Failed", reason: "PodUnschedulable" },
    message: "Pod could not be scheduled",
  },
  {
    name: "podCrashLooping",
    object: pod({
      phase: "Running",
      conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable" }],
      containerStatuses: [{ name: "nginx", state: { waiting: { reason: "CrashLoopBackOff" } } }],
    }),
    kstatus: { status: "Failed", reason: "ContainerCrashLooping" },
    message: "Containers in CrashLoop state: nginx",
  },
  // TestPVCStatus
  { name: "pvcNoStatus", object: pvc(), kstatus: { status: "InProgress", reason: "NotBound" } },
  { name: "pvcBound", object: pvc({ phase: "Bound" }), kstatus: { status: "Current" } },
  // TestStsStatus
  { name: "stsNoStatus", object: sts(), kstatus: { status: "InProgress", reason: "LessReplicas" } },
  {
    name: "stsBadStatus",
    object: sts(undefined, { observedGeneration: 1, currentReplicas: 1 }),
    kstatus: { status: "InProgress", reason: "LessReplicas" },
  },
  {
    name: "stsOK",
    object: sts(
      { replicas: 4 },
      { observedGeneration: 1, currentReplicas: 4, readyReplicas: 4, replicas: 4 },
    ),
    kstatus: { status: "Current" },
  },
  {
    name: "stsLessReady",
    object: sts(
      { replicas: 4 },
      { observedGeneration: 1, currentReplicas: 4, readyReplicas: 2, replicas: 4 },
    ),
    kstatus: { status: "InProgress", reason: "LessReady" },
    message: "Ready: 2/4",
  },
  {
    name: "stsLessCurrent",
    object: sts(
      { replicas: 4 },
      { observedGeneration: 1, currentReplicas: 2, readyReplicas: 4, replicas: 4 },
    ),
    kstatus: { status: "InProgress", reason: "LessCurrent" },
  },
  {
    name: "stsExtraPods",
    object: sts(
      { replicas: 4 },
      { observedGeneration: 1, currentReplicas: 4, readyReplicas: 4, replicas: 8 },
    ),
    kstatus: { status: "InProgress", reason: "ExtraPods" },
  },
  // TestDaemonsetStatus
  {
    name: "dsNoStatus",
    object: ds(),
    kstatus: { status: "InProgress", reason: "NoObservedGeneration" },
  },
  {
    name: "dsBadStatus",
    object: ds({ observedGeneration: 1, currentReplicas: 1 }),
    kstatus: { status: "InProgress", reason: "NoDesiredNumber" },
  },
  {
    name: "dsOK",
    object: ds({
      desiredNumberScheduled: 4,
      currentNumberScheduled: 4,
      updatedNumberScheduled: 4,
      numberAvailable: 4,
      numberReady: 4,
      observedGeneration: 1,
    }),
    kstatus: { status: "Current" },
  },
  {
    name: "dsLessReady",
    object: ds({
      observedGeneration: 1,
      desiredNumberScheduled: 4,
      currentNumberScheduled: 4,
      updatedNumberScheduled: 4,
      numberAvailable: 4,
      numberReady: 2,
    }),
    kstatus: { status: "InProgress", reason: "LessReady" },
  },
  {
    name: "dsDifferentGeneration",
    object: ds(
      {
        desiredNumberScheduled: 4,
        currentNumberScheduled: 4,
        updatedNumberScheduled: 4,
        numberAvailable: 4,
        numberReady: 4,
        observedGeneration: 1,
      },
      2,
    ),
    kstatus: { status: "InProgress", reason: "LatestGenerationNotObserved" },
    message: "DaemonSet generation is 2, but latest observed generation is 1",
  },
  {
    name: "dsLessAvailable",
    object: ds({
      observedGeneration: 1,
      desiredNumberScheduled: 4,
      currentNumberScheduled: 4,
      updatedNumberScheduled: 4,
      numberAvailable: 2,
      numberReady: 4,
    }),
    kstatus: { status: "InProgress", reason: "LessAvailable" },
  },
  // TestDeploymentStatus
  {
    name: "depNoStatus",
    object: dep(),
    kstatus: { status: "InProgress", reason: "LessReplicas" },
    ours: { status: "InProgress", why: deploymentRule },
  },
  {
    name: "depOK",
    object: dep({
      observedGeneration: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      replicas: 1,
      conditions: [
        { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" },
        { type: "Available", status: "True" },
      ],
    }),
    kstatus: { status: "Current" },
    ours: { status: "Current", why: deploymentRule },
  },
  {
    name: "depNotProgressing",
    object: dep(
      {
        observedGeneration: 1,
        updatedReplicas: 1,
        readyReplicas: 1,
        availableReplicas: 1,
        replicas: 1,
        conditions: [
          { type: "Progressing", status: "False", reason: "Some reason" },
          { type: "Available", status: "True" },
        ],
      },
      { progressDeadlineSeconds: 45 },
    ),
    kstatus: { status: "InProgress", reason: "ReplicaSetNotAvailable" },
    ours: {
      status: "Current",
      why: "every replica is updated and available: ours is Ready; only ProgressDeadlineExceeded makes Progressing=False count",
    },
  },
  {
    name: "depNoProgressDeadlineSeconds",
    object: dep({
      observedGeneration: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      replicas: 1,
      conditions: [{ type: "Available", status: "True" }],
    }),
    kstatus: { status: "Current" },
    ours: { status: "Current", why: deploymentRule },
  },
  {
    name: "depNotAvailable",
    object: dep({
      observedGeneration: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      replicas: 1,
      conditions: [
        { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" },
        { type: "Available", status: "False" },
      ],
    }),
    kstatus: { status: "InProgress", reason: "DeploymentNotAvailable" },
    ours: {
      status: "Failed",
      why: "a rolled-out Deployment whose Available condition is False is Degraded in ours (health.test.ts)",
    },
  },
  // TestReplicasetStatus
  { name: "rsNoStatus", object: rs(), kstatus: { status: "InProgress", reason: "LessLabelled" } },
  {
    name: "rsOK1",
    object: rs(
      { replicas: 2 },
      {
        observedGeneration: 1,
        replicas: 2,
        readyReplicas: 2,
        availableReplicas: 2,
        fullyLabeledReplicas: 2,
        conditions: [{ type: "ReplicaFailure", status: "False" }],
      },
    ),
    kstatus: { status: "Current" },
  },
  {
    name: "rsOK2",
    object: rs(
      { replicas: 2 },
      {
        observedGeneration: 1,
        fullyLabeledReplicas: 2,
        replicas: 2,
        readyReplicas: 2,
        availableReplicas: 2,
      },
    ),
    kstatus: { status: "Current" },
  },
  {
    name: "rsLessAvailable",
    object: rs(
      { replicas: 4 },
      {
        observedGeneration: 1,
        replicas: 4,
        readyReplicas: 4,
        availableReplicas: 2,
        fullyLabeledReplicas: 4,
      },
    ),
    kstatus: { status: "InProgress", reason: "LessAvailable" },
  },
  {
    name: "rsLessReady",
    object: rs(
      { replicas: 4 },
      {
        observedGeneration: 1,
        replicas: 4,
        readyReplicas: 2,
        availableReplicas: 4,
        fullyLabeledReplicas: 4,
      },
    ),
    kstatus: { status: "InProgress", reason: "LessReady" },
  },
  {
    name: "rsReplicaFailure",
    object: rs(
      { replicas: 4 },
      {
        observedGeneration: 1,
        replicas: 4,
        readyReplicas: 4,
        fullyLabeledReplicas: 4,
        availableReplicas: 4,
        conditions: [{ type: "ReplicaFailure", status: "True" }],
      },
    ),
    kstatus: { status: "InProgress", reason: "ReplicaFailure" },
  },
  // TestPDBStatus
  {
    name: "pdbNotObserved",
    object: obj("policy/v1beta1", "PodDisruptionBudget", {
      generation: 2,
      status: { observedGeneration: 1 },
    }),
    kstatus: { status: "InProgress", reason: "LatestGenerationNotObserved" },
  },
  {
    name: "pdbObserved",
    object: obj("policy/v1beta1", "PodDisruptionBudget", {
      generation: 1,
      status: { observedGeneration: 1 },
    }),
    kstatus: { status: "Current" },
  },
  // TestCRDGenericStatus (custom resources)
  { name: "crNoStatus", object: cr(), kstatus: { status: "Current" } },
  {
    name: "crReady",
    object: cr({
      conditions: [{ type: "Ready", status: "True", message: "All looks ok", reason: "AllOk" }],
    }),
    kstatus: { status: "Current" },
  },
  {
    name: "crNotReady",
    object: cr({
      observedGeneration: 1,
      conditions: [{ type: "Ready", status: "False", reason: "NotReadyYet" }],
    }),
    kstatus: { status: "InProgress", reason: "NotReadyYet" },
  },
  {
    name: "crNoCondition",
    object: cr({ conditions: [{ type: "SomeCondition", status: "False" }] }),
    kstatus: { status: "Current" },
  },
  {
    name: "crMismatchStatusGeneration",
    object: cr({ observedGeneration: 1 }, 2),
    kstatus: { status: "InProgress", reason: "LatestGenerationNotObserved" },
  },
  // TestJobStatus
  {
    name: "jobNoStatus",
    object: job(),
    kstatus: { status: "InProgress", reason: "JobNotStarted" },
  },
  {
    name: "jobComplete",
    object: job(undefined, {
      succeeded: 1,
      active: 0,
      conditions: [{ type: "Complete", status: "True" }],
    }),
    kstatus: { status: "Current" },
  },
  {
    name: "jobFailed",
    object: job(
      { completions: 4 },
      {
        succeeded: 3,
        failed: 1,
        conditions: [{ type: "Failed", status: "True", reason: "JobFailed" }],
      },
    ),
    kstatus: { status: "Failed", reason: "JobFailed" },
    message: "Job Failed. failed: 1/4",
  },
  {
    name: "jobInProgress",
    object: job(
      { completions: 10, parallelism: 2 },
      {
        startTime: "2019-06-04T01:17:13Z",
        succeeded: 3,
        failed: 1,
        active: 2,
        conditions: [
          { type: "Failed", status: "False" },
          { type: "Complete", status: "False" },
        ],
      },
    ),
    kstatus: { status: "Current" },
  },
  // TestCronJobStatus
  {
    name: "cronjobNoStatus",
    object: obj("batch/v1", "CronJob", { generation: 1 }),
    kstatus: { status: "Current" },
  },
  {
    name: "cronjobWithStatus",
    object: obj("batch/v1", "CronJob", { generation: 1, status: null }),
    kstatus: { status: "Current" },
  },
  // TestServiceStatus
  { name: "serviceDefault", object: svc(), kstatus: { status: "Current" } },
  { name: "serviceNodePort", object: svc({ type: "NodePort" }), kstatus: { status: "Current" } },
  {
    name: "serviceLBnok",
    object: svc({ type: "LoadBalancer" }),
    kstatus: { status: "InProgress", reason: "NoIPAssigned" },
  },
  {
    name: "serviceLBok",
    object: svc({ type: "LoadBalancer", clusterIP: "1.2.3.4" }),
    kstatus: { status: "Current" },
    ours: {
      status: "InProgress",
      why: "a LoadBalancer needs an address in status.loadBalancer.ingress (issue 15); the API server sets clusterIP at once",
    },
  },
  // TestCRDStatus
  {
    name: "crdNoConditions",
    object: crd(),
    kstatus: { status: "InProgress", reason: "Installing" },
  },
  {
    name: "crdInstalling",
    object: crd({
      conditions: [
        { type: "NamesAccepted", status: "True", reason: "NoConflicts" },
        { type: "Established", status: "False", reason: "Installing" },
      ],
    }),
    kstatus: { status: "InProgress", reason: "Installing" },
  },
  {
    name: "crdNamesNotAccepted",
    object: crd({ conditions: [{ type: "NamesAccepted", status: "False", reason: "SomeReason" }] }),
    kstatus: { status: "Failed", reason: "SomeReason" },
  },
  {
    name: "crdEstablished",
    object: crd({
      conditions: [
        { type: "NamesAccepted", status: "True", reason: "NoConflicts" },
        { type: "Established", status: "True", reason: "InitialNamesAccepted" },
      ],
    }),
    kstatus: { status: "Current" },
  },
  // core_test.go: suspended Jobs
  {
    name: "TestSuspendedJobConditions",
    object: job({ suspend: true }, { conditions: [{ type: "Suspended", status: "True" }] }),
    kstatus: { status: "Current" },
  },
  {
    name: "TestPreviouslySuspendedJobConditions",
    object: job({ suspend: false }, { conditions: [{ type: "Suspended", status: "False" }] }),
    kstatus: { status: "InProgress" },
  },
  {
    name: "TestSuspendedJobTransitionConditions: to suspended",
    object: job({ suspend: true }, { conditions: [{ type: "Suspended", status: "False" }] }),
    kstatus: { status: "InProgress" },
  },
  {
    name: "TestSuspendedJobTransitionConditions: from suspended",
    object: job({ suspend: false }, { conditions: [{ type: "Suspended", status: "True" }] }),
    kstatus: { status: "InProgress" },
  },
  // status_augment_test.go
  {
    name: "augment: no existing conditions",
    object: pod({ phase: "Running" }),
    kstatus: { status: "InProgress", reason: "PodRunningNotReady" },
  },
  {
    name: "augment: already has condition of standard type InProgress",
    object: pod({
      phase: "Running",
      conditions: [{ type: "Reconciling", status: "True", reason: "PodIsAbsolutelyNotReady" }],
    }),
    kstatus: { status: "InProgress", reason: "PodIsAbsolutelyNotReady" },
  },
  {
    name: "augment: already has condition of standard type Failed",
    object: pod({
      phase: "Running",
      conditions: [{ type: "Stalled", status: "True", reason: "PodHasFailed" }],
    }),
    kstatus: { status: "Failed", reason: "PodHasFailed" },
  },
  {
    name: "augment: custom resource with no conditions",
    object: obj("v1beta1", "SomeCustomKind", { generation: 1 }),
    kstatus: { status: "Current" },
  },
];

// Ours: what a deployment's status says for the objects issue 15 names, and the
// cases kstatus's tables leave out.
const ourCases: Case[] = [
  {
    name: "not in the cluster",
    object: undefined,
    kstatus: { status: "NotFound" },
    message: "not created yet",
  },
  {
    name: "being deleted",
    object: {
      ...sts({ replicas: 1 }, { replicas: 1, readyReplicas: 1, currentReplicas: 1 }),
      metadata: { name: "test", deletionTimestamp: new Date(now) },
    },
    kstatus: { status: "Terminating" },
    message: "Resource scheduled for deletion",
  },
  {
    name: "StatefulSet whose pod is never scheduled",
    object: sts(
      { replicas: 1 },
      { observedGeneration: 1, replicas: 1, currentReplicas: 1, readyReplicas: 0 },
    ),
    kstatus: { status: "InProgress", reason: "LessReady" },
    message: "Ready: 0/1",
  },
  {
    name: "StatefulSet rolling a new revision",
    object: sts(
      { replicas: 2 },
      {
        observedGeneration: 1,
        replicas: 2,
        currentReplicas: 2,
        readyReplicas: 2,
        currentRevision: "a",
        updateRevision: "b",
      },
    ),
    kstatus: { status: "InProgress", reason: "RevisionMismatch" },
  },
  {
    name: "StatefulSet with a partition, rolled out",
    object: sts(
      { replicas: 3, updateStrategy: { rollingUpdate: { partition: 2 } } },
      { observedGeneration: 1, replicas: 3, readyReplicas: 3, updatedReplicas: 1 },
    ),
    kstatus: { status: "Current" },
  },
  {
    name: "StatefulSet updated on delete",
    object: sts({ replicas: 3, updateStrategy: { type: "OnDelete" } }),
    kstatus: { status: "Current" },
  },
  {
    name: "PVC waiting for a volume",
    object: pvc({ phase: "Pending" }),
    kstatus: { status: "InProgress", reason: "NotBound" },
    message: "PVC is not Bound. phase: Pending",
  },
  {
    name: "LoadBalancer with an address",
    object: svc(
      { type: "LoadBalancer", clusterIP: "10.0.0.1" },
      { loadBalancer: { ingress: [{ ip: "203.0.113.7" }] } },
    ),
    kstatus: { status: "Current" },
  },
  {
    name: "LoadBalancer without an address",
    object: svc({ type: "LoadBalancer", clusterIP: "10.0.0.1" }, { loadBalancer: {} }),
    kstatus: { status: "Current" },
    ours: { status: "InProgress", why: "a LoadBalancer needs an address (issue 15)" },
    message:
      "LoadBalancer has no ingress IP or hostname yet (status.loadBalancer.ingress is empty)",
  },
  {
    name: "Ingress with an address",
    object: ingress({ loadBalancer: { ingress: [{ hostname: "lb.example.com" }] } }),
    kstatus: { status: "Current" },
  },
  {
    name: "Ingress no controller admitted",
    object: ingress(),
    kstatus: { status: "Current" },
    ours: {
      status: "InProgress",
      why: "kstatus has no Ingress rule; issue 15 asks for one: an address, as for a LoadBalancer",
    },
  },
  {
    name: "custom resource Stalled with its message",
    object: cr({
      conditions: [
        { type: "Ready", status: "False", reason: "Failing" },
        { type: "Stalled", status: "True", reason: "BadConfig", message: "spec.url is invalid" },
      ],
    }),
    kstatus: { status: "Failed", reason: "BadConfig" },
    message: "spec.url is invalid",
  },
  {
    name: "custom resource Ready=False with a message",
    object: cr({
      observedGeneration: 1,
      conditions: [{ type: "Ready", status: "False", reason: "Waiting", message: "no endpoints" }],
    }),
    kstatus: { status: "InProgress", reason: "Waiting" },
    message: "no endpoints",
  },
  {
    name: "custom resource Ready=Unknown without a message",
    object: cr({ conditions: [{ type: "Ready", status: "Unknown", reason: "Starting" }] }),
    kstatus: { status: "InProgress", reason: "Starting" },
    message: "Ready is Unknown",
  },
  {
    name: "a kind with no rule: current once it exists",
    object: obj("v1", "ServiceAccount", {}),
    kstatus: { status: "Current" },
  },
  {
    name: "Job pod never scheduled: kstatus counts a started Job as current",
    object: job(undefined, { startTime: secondsAgo(60), active: 1 }),
    kstatus: { status: "Current" },
  },
  {
    name: "Deployment stuck: ProgressDeadlineExceeded, with its message",
    object: dep(
      {
        observedGeneration: 1,
        conditions: [
          {
            type: "Progressing",
            status: "False",
            reason: "ProgressDeadlineExceeded",
            message: 'ReplicaSet "web-1" has timed out progressing.',
          },
        ],
      },
      { replicas: 1 },
    ),
    kstatus: { status: "Failed" },
    message: 'ReplicaSet "web-1" has timed out progressing.',
  },
];

describe("objectHealth", () => {
  it.each([...kstatusCases, ...ourCases])("$name", (c) => {
    const h = objectHealth(c.object, now);
    const want = c.ours?.status ?? c.kstatus.status;
    expect({ status: h.status, state: h.state }).toEqual({ status: want, state: stateOf[want] });
    if (!c.ours && c.kstatus.reason) expect(h.reason).toBe(c.kstatus.reason);
    if (c.message) expect(h.message).toBe(c.message);
    expect(h.message).not.toBe("");
  });
});
