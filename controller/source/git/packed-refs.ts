// The packed-refs file (gitrepository-layout(5)): one `<id> <refname>` per
// line, each annotated tag followed by `^<peeled id>`. We read it in local
// repositories and write it as the whole ref store of the clones we keep.

export interface PackedRef {
  oid: string;
  /** The object an annotated tag finally points at, when the file records it. */
  peeled?: string;
}

export interface PackedRefs {
  refs: Map<string, PackedRef>;
  /** The header says every annotated tag has its `^` line, so a ref without one is not a tag object. */
  fullyPeeled: boolean;
}

const OID = /^[0-9a-f]{40}$/;

export function parsePackedRefs(text: string): PackedRefs {
  const refs = new Map<string, PackedRef>();
  let fullyPeeled = false;
  let last: PackedRef | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("# pack-refs with:")) {
      fullyPeeled = line.split(/\s+/).includes("fully-peeled");
    } else if (line.startsWith("^")) {
      const peeled = line.slice(1).trim();
      if (last && OID.test(peeled)) last.peeled = peeled;
    } else {
      const space = line.indexOf(" ");
      const oid = line.slice(0, space);
      last = undefined;
      if (space !== 40 || !OID.test(oid)) continue; // a line Git would reject: skip it as Git skips broken refs
      last = { oid };
      refs.set(line.slice(space + 1).trimEnd(), last);
    }
  }
  return { refs, fullyPeeled };
}

/** The file's text for `refs`, sorted by name in byte order as Git requires. */
export function formatPackedRefs(refs: ReadonlyMap<string, PackedRef>): string {
  const names = [...refs.keys()]
    .map((name) => ({ name, bytes: Buffer.from(name) }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes));
  const lines = ["# pack-refs with: peeled fully-peeled sorted "];
  for (const { name } of names) {
    const ref = refs.get(name)!;
    lines.push(`${ref.oid} ${name}`);
    if (ref.peeled && ref.peeled !== ref.oid) lines.push(`^${ref.peeled}`);
  }
  return `${lines.join("\n")}\n`;
}
