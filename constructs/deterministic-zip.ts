import { strToU8, type Zippable, zipSync } from "fflate";

/**
 * Timestamp of every entry. fflate writes the DOS date from the local-time fields of the
 * Date, so the Date is built from local fields too: the entry says 1980-01-01 00:00 (the
 * earliest DOS date) in every time zone.
 */
const ENTRY_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/** Unix regular file, rw-r--r--: Lambda needs the files readable by its runtime user. */
const ENTRY_ATTRIBUTES = 0o100644 << 16;

const COMPRESSION_LEVEL = 9;

/**
 * Everything besides the entries that decides a zip's bytes, for caches keyed by content:
 * a change of conventions must not reuse a zip built under the old ones.
 */
export const ZIP_CONVENTIONS = `fflate level ${COMPRESSION_LEVEL}, mtime 1980-01-01 local, unix 0644`;

/**
 * A zip whose bytes depend only on the entries: entries in the order of their names, a
 * fixed timestamp and fixed Unix attributes. The same entries give the same bytes on any
 * machine, clone or time zone, so Terraform sees a new `source_code_hash` only when the
 * content changed.
 */
export function deterministicZip(entries: Readonly<Record<string, Uint8Array | string>>): Uint8Array {
  const files: Zippable = {};
  for (const name of Object.keys(entries).sort()) {
    const data = entries[name];
    files[name] = [typeof data === "string" ? strToU8(data) : data, { mtime: ENTRY_MTIME, os: 3, attrs: ENTRY_ATTRIBUTES }];
  }
  return zipSync(files, { level: COMPRESSION_LEVEL });
}
