// One entry of a kubeconfig file (a cluster, a user or a context) and the typed
// reads of its fields, each failing with the file and the field's place in it.
// Apart from kubeconfig.ts so that exec-plugin.ts can read an exec entry without
// importing the module that imports it.
import { readFileSync } from "node:fs";
import path from "node:path";
import { SettingsError, describeError } from "../errors.js";

/** Where the Authorization header comes from. */
export interface Authorization {
  /** The header's value, if any. */
  get(): Promise<string | undefined>;
  /** Forget what is cached. */
  forget(): void;
}

export class Entry {
  constructor(
    /** The file that defines it: relative paths resolve against its folder. */
    readonly file: string,
    readonly name: string,
    /** Its place in the file, for messages: users[name=admin].user */
    readonly at: string,
    readonly body: Record<string, unknown>,
  ) {}

  /** The error for a problem with this entry's `key` (or the entry itself). */
  error(key: string | undefined, problem: string): SettingsError {
    const at = key === undefined ? this.at : `${this.at}.${key}`;
    return new SettingsError(`kubeconfig ${this.file}: ${at}: ${problem}`);
  }

  has(key: string): boolean {
    const value = this.body[key];
    return value !== undefined && value !== null && value !== "";
  }

  string(key: string): string | undefined {
    if (!this.has(key)) return undefined;
    const value = this.body[key];
    if (typeof value !== "string") throw this.error(key, "must be a string");
    return value;
  }

  boolean(key: string): boolean {
    if (!this.has(key)) return false;
    const value = this.body[key];
    if (typeof value !== "boolean") throw this.error(key, "must be true or false");
    return value;
  }

  /** A path field, resolved against the folder of the file that defines it. */
  path(key: string): string | undefined {
    const value = this.string(key);
    return value === undefined ? undefined : path.resolve(path.dirname(this.file), value);
  }

  /** The bytes of `<key>-data` (base64), or else of the file `<key>` names (as kubectl, data wins). */
  bytes(key: string): Buffer | undefined {
    const data = this.string(`${key}-data`);
    if (data !== undefined) {
      if (!/^[A-Za-z0-9+/=\s]*$/.test(data)) throw this.error(`${key}-data`, "is not base64");
      return Buffer.from(data, "base64");
    }
    const file = this.path(key);
    if (file === undefined) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      throw this.error(key, `cannot read ${file}: ${errnoOf(err)}`);
    }
  }

  /** A mapping inside this entry, such as a user's exec. */
  child(key: string): Entry {
    const value = this.body[key];
    if (!isRecord(value)) throw this.error(key, "must be a mapping");
    return new Entry(this.file, this.name, `${this.at}.${key}`, value);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An fs error's code (ENOENT, EACCES ...), which, unlike its message, says no more than needed. */
export function errnoOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? describeError(err);
}
