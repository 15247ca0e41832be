// The import fixtures LibreOffice cannot write, made by SheetJS (the `xlsx`
// npm package, pinned in package-lock.json): canonical.xlsb (Excel binary
// workbook) and canonical-sheetjs.xlsx (a second producer's .xlsx: inline
// strings, no shared-string table, different attribute order). Every cell is
// written as text, as LibreOffice's fixtures are, so "+32" and "0032..." stay.
// Run by scripts/make-import-fixtures.sh; the outputs are committed.
import { readFileSync, writeFileSync } from "node:fs";
import * as XLSX from "xlsx";

const dir = new URL("../crates/hcp-core/tests/fixtures/import/", import.meta.url);
const csv = readFileSync(new URL("canonical.csv", dir), "utf8");
// raw: no value guessing; every cell stays the string in the CSV.
const wb = XLSX.read(csv, { type: "string", raw: true });
const sheet = wb.Sheets[wb.SheetNames[0]];
for (const [addr, cell] of Object.entries(sheet)) {
  if (!addr.startsWith("!")) Object.assign(cell, { t: "s", v: String(cell.v), z: "@" });
}
// The sheet named as LibreOffice names it (after the file), like the other fixtures.
const book = XLSX.utils.book_new();
XLSX.utils.book_append_sheet(book, sheet, "canonical");
writeFileSync(new URL("canonical.xlsb", dir), XLSX.write(book, { type: "buffer", bookType: "xlsb" }));
writeFileSync(new URL("canonical-sheetjs.xlsx", dir), XLSX.write(book, { type: "buffer", bookType: "xlsx", bookSST: false }));
console.log("canonical.xlsb, canonical-sheetjs.xlsx written by SheetJS", XLSX.version);
