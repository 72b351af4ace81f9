// Bounds on what the loader will read, so that nothing a repository holds can
// exhaust memory, CPU or the stack (issue 3: "no input I can craft crashes the
// loader"). Each is far above what a real KubeFox repository needs.

/** Bytes per file; larger files are reported, not read. */
export const MAX_FILE_BYTES = 1024 * 1024;

/** Alias expansions per YAML document: stops "billion laughs" alias bombs. */
export const MAX_ALIAS_COUNT = 100;

/** Nesting of maps and lists in one document; CRD schemas stay well under it. */
export const MAX_DEPTH = 100;

/** YAML syntax errors reported per file: a broken file often yields hundreds of echoes. */
export const MAX_SYNTAX_ERRORS_PER_FILE = 20;

/** Files under manifests/, and how deep its folders may go. */
export const MAX_MANIFEST_FILES = 1000;
export const MAX_MANIFEST_FOLDER_DEPTH = 16;

/** Documents in one manifests file. */
export const MAX_DOCUMENTS_PER_FILE = 1000;
