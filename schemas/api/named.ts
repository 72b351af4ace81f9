// Every shape the HTTP server sends, by the name clients know it by: the
// OpenAPI document's components.schemas are generated from this table
// (webhooks/openapi-components.ts), each schema once, the others referring to
// it by name.
import {
  archiveReasonSchema,
  releaseHistoryEntrySchema,
  releaseVersionSchema,
} from "../status/release-version.js";
import { alertEventSchema, alertTypeSchema, severitySchema } from "../status/alert-event.js";
import { componentHealthSchema } from "../status/component-health.js";
import { notReadyObjectSchema } from "../status/not-ready-object.js";
import { inventoryEntrySchema } from "../status/inventory-entry.js";
import { objectStatusSchema } from "../status/object-status.js";
import { platformEventSchema } from "../status/platform-event.js";
import { podChangeSchema, podEventSchema } from "../status/pod-event.js";
import { repositoryStatusSchema } from "../status/repository-status.js";
import { stateSchema } from "../status/state.js";
import { syncEventSchema } from "../status/sync-event.js";
import { unmanagedObjectSchema } from "../status/unmanaged-object.js";
import { configObjectSchema, environmentObjectSchema } from "./control-objects.js";
import { deploymentObjectSchema } from "./deployment-object.js";
import { errorSchema, stringListSchema } from "./envelope.js";
import { metadataSchema } from "./metadata.js";
import { platformObjectSchema } from "./platform-object.js";
import { healthSchema, notReadySchema, readySchema } from "./probes.js";
import { releaseObjectSchema } from "./release-object.js";
import { systemHeadSchema } from "./system-head.js";
import { appSpecSchema, systemObjectSchema } from "./system-object.js";
import {
  deploymentNodeSchema,
  ingressNodeSchema,
  podNodeSchema,
  serviceNodeSchema,
  topologySchema,
} from "./topology.js";
import { webhookAnswerSchema } from "./webhook-answer.js";

export const namedSchemas = {
  Error: errorSchema,
  StringList: stringListSchema,
  Metadata: metadataSchema,
  App: appSpecSchema,
  System: systemObjectSchema,
  RepositoryStatus: repositoryStatusSchema,
  SystemHead: systemHeadSchema,
  Environment: environmentObjectSchema,
  Config: configObjectSchema,
  ComponentHealth: componentHealthSchema,
  NotReadyObject: notReadyObjectSchema,
  State: stateSchema,
  ObjectStatus: objectStatusSchema,
  InventoryEntry: inventoryEntrySchema,
  UnmanagedObject: unmanagedObjectSchema,
  Deployment: deploymentObjectSchema,
  Release: releaseObjectSchema,
  ReleaseVersion: releaseVersionSchema,
  ReleaseHistoryEntry: releaseHistoryEntrySchema,
  ArchiveReason: archiveReasonSchema,
  Platform: platformObjectSchema,
  Topology: topologySchema,
  DeploymentNode: deploymentNodeSchema,
  PodNode: podNodeSchema,
  ServiceNode: serviceNodeSchema,
  IngressNode: ingressNodeSchema,
  SyncEvent: syncEventSchema,
  PlatformEvent: platformEventSchema,
  PodEvent: podEventSchema,
  PodChange: podChangeSchema,
  AlertEvent: alertEventSchema,
  AlertType: alertTypeSchema,
  Severity: severitySchema,
  WebhookAnswer: webhookAnswerSchema,
  Health: healthSchema,
  Ready: readySchema,
  NotReady: notReadySchema,
} as const;

export type SchemaName = keyof typeof namedSchemas;
