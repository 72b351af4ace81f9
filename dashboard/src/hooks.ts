// How components follow the store and the clock.
import { useEffect, useState } from "preact/hooks";
import { onChange, state, type DashState } from "./store.js";

/** The store; the component renders again whenever it changes. */
export function useStore(): DashState {
  const [, setVersion] = useState(0);
  useEffect(() => onChange(() => setVersion((v) => v + 1)), []);
  return state;
}

/** Now, moving every `everyMs`: relative times and countdowns stay true without events. */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

/** The URL's #fragment, as it changes. */
export function useHash(): string {
  const [hash, setHash] = useState(() => location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return hash;
}
