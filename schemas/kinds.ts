// Every kind a repository holds, with its schema: the one table the loader,
// the validators and the editor schema files are built from.
import { appSchema } from "./app.js";
import { configSchema } from "./config.js";
import { environmentSchema } from "./environment.js";
import { notificationSchema } from "./notification.js";
import { platformSchema } from "./platform.js";
import { systemSchema } from "./system.js";

export const kindSchemas = {
  System: systemSchema,
  App: appSchema,
  Environment: environmentSchema,
  Config: configSchema,
  Platform: platformSchema,
  Notification: notificationSchema,
} as const;

export type Kind = keyof typeof kindSchemas;

export const kinds = Object.keys(kindSchemas) as Kind[];
