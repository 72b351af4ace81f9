// The schemas, compiled once with ajv (issue 3). `useDefaults` fills the
// defaults the schemas declare (replicas 1, historyLimit 10 ...), which is why
// the derived types can treat those fields as always present.
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import type { AppDoc } from "../../schemas/app.js";
import { componentSchema, type Component } from "../../schemas/component.js";
import type { ConfigDoc } from "../../schemas/config.js";
import type { EnvironmentDoc } from "../../schemas/environment.js";
import { kindSchemas, type Kind } from "../../schemas/kinds.js";
import { manifestSchema, type KubeObject } from "../../schemas/manifest.js";
import type { NotificationDoc } from "../../schemas/notification.js";
import type { PlatformDoc } from "../../schemas/platform.js";
import type { SystemDoc } from "../../schemas/system.js";
import { isHost } from "./host.js";

/** The document type each kind validates to. */
export interface KindDocs {
  System: SystemDoc;
  App: AppDoc;
  Environment: EnvironmentDoc;
  Config: ConfigDoc;
  Platform: PlatformDoc;
  Notification: NotificationDoc;
}

export type SchemaResult<T> = { ok: true; value: T } | { ok: false; errors: ErrorObject[] };

const ajv = new Ajv2020({
  allErrors: true, // every problem at once, not only the first
  useDefaults: true,
  verbose: true, // errors carry the failing schema and data, for messages
  allowUnionTypes: true, // `type: ["integer", "string"]` for ports by number or name
  strict: true, // a mistake in a schema fails at start-up, not silently
  // `oneOf: [{required: [httpGet]}, ...]` names fields declared beside it, on purpose.
  strictRequired: false,
});
ajv.addFormat("host", { type: "string", validate: isHost });

const kindValidators = {
  System: ajv.compile<SystemDoc>(kindSchemas.System),
  App: ajv.compile<AppDoc>(kindSchemas.App),
  Environment: ajv.compile<EnvironmentDoc>(kindSchemas.Environment),
  Config: ajv.compile<ConfigDoc>(kindSchemas.Config),
  Platform: ajv.compile<PlatformDoc>(kindSchemas.Platform),
  Notification: ajv.compile<NotificationDoc>(kindSchemas.Notification),
};

const manifestValidator = ajv.compile<KubeObject>(manifestSchema);
const componentValidator = ajv.compile<Component>(componentSchema);

/** Checks `data` against a kind's schema; fills defaults into `data` as it goes. */
export function validateKind<K extends Kind>(kind: K, data: unknown): SchemaResult<KindDocs[K]> {
  const validate = kindValidators[kind];
  if (validate(data)) return { ok: true, value: data as KindDocs[K] };
  return { ok: false, errors: validate.errors ?? [] };
}

/** One component on its own, to check the components of an app that fails elsewhere. */
export function validateComponent(data: unknown): SchemaResult<Component> {
  if (componentValidator(data)) return { ok: true, value: data };
  return { ok: false, errors: componentValidator.errors ?? [] };
}

export function validateManifest(data: unknown): SchemaResult<KubeObject> {
  if (manifestValidator(data)) return { ok: true, value: data };
  return { ok: false, errors: manifestValidator.errors ?? [] };
}
