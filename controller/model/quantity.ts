// Kubernetes quantities (`100m`, `64Mi`, `1.5G`, `1e3`) as numbers, so that
// requests can be compared with limits before the API server refuses them.

const suffixes: Record<string, number> = {
  "": 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const quantity = /^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:([eE][-+]?[0-9]+)|([a-zA-Z]*))$/;

/** The quantity's value in base units (cores, bytes); undefined when it is not one. */
export function parseQuantity(q: string | number): number | undefined {
  if (typeof q === "number") return Number.isFinite(q) && q >= 0 ? q : undefined;
  const match = quantity.exec(q);
  if (!match) return undefined;
  const [, digits, exponent, suffix = ""] = match;
  if (exponent) return Number(`${digits}${exponent}`);
  const scale = suffixes[suffix];
  return scale === undefined ? undefined : Number(digits) * scale;
}
