import { describe, expect, it } from "vitest";
import { unifiedDiff } from "./line-diff.js";

const text = (...lines: string[]) => lines.map((l) => `${l}\n`).join("");

describe("unifiedDiff", () => {
  it.each([
    { name: "equal texts", before: text("a", "b"), after: text("a", "b"), want: [] },
    { name: "both empty", before: "", after: "", want: [] },
    {
      name: "one line changed, with context",
      before: text("a", "b", "c"),
      after: text("a", "B", "c"),
      want: ["--- x", "+++ y", "@@ -1,3 +1,3 @@", " a", "-b", "+B", " c"],
    },
    {
      name: "everything added (an object to create)",
      before: "",
      after: text("a", "b"),
      want: ["--- x", "+++ y", "@@ -0,0 +1,2 @@", "+a", "+b"],
    },
    {
      name: "everything removed (an object to delete)",
      before: text("a"),
      after: "",
      want: ["--- x", "+++ y", "@@ -1 +0,0 @@", "-a"],
    },
    {
      name: "two changes far apart make two hunks",
      before: text("1", "2", "3", "4", "5", "6", "7", "8", "9", "10"),
      after: text("one", "2", "3", "4", "5", "6", "7", "8", "9", "ten"),
      context: 2,
      want: [
        "--- x",
        "+++ y",
        "@@ -1,3 +1,3 @@",
        "-1",
        "+one",
        " 2",
        " 3",
        "@@ -8,3 +8,3 @@",
        " 8",
        " 9",
        "-10",
        "+ten",
      ],
    },
    {
      name: "a line inserted in the middle",
      before: text("a", "b", "c", "d", "e", "f", "g", "h"),
      after: text("a", "b", "c", "d", "new", "e", "f", "g", "h"),
      want: ["--- x", "+++ y", "@@ -2,6 +2,7 @@", " b", " c", " d", "+new", " e", " f", " g"],
    },
  ])("$name", ({ before, after, context, want }) => {
    expect(unifiedDiff(before, after, "x", "y", context)).toEqual(want);
  });
});
