// How a source tells the controller's logger what it did, without depending on
// it: one structured entry per event. `source` is the masked URL or the path.
export type SourceLog = (entry: {
  level: "debug" | "info" | "warn";
  msg: string;
  source: string;
  [field: string]: unknown;
}) => void;
