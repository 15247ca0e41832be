// Writes the import templates ("Download template") into pkg/templates/ at
// build time: an .xlsx (SheetJS, a build tool here, never in the wasm module)
// and a UTF-8 .csv with a byte-order mark (so Excel shows the accents). Six
// columns, the required ones marked with " *" (the import's header matching
// ignores the mark), and one example row the import accepts.
import { mkdirSync, writeFileSync } from "node:fs";
import XLSX from "xlsx";

const HEADER = ["First Name *", "Last Name *", "Email Address *", "Country Code", "Mobile Phone", "Parent Organization ID"];
const EXAMPLE = ["Zoë", "Lovelace", "zoe.lovelace@example.org", "BE", "0475 12 34 56", ""];

const dir = new URL("../pkg/templates/", import.meta.url);
mkdirSync(dir, { recursive: true });

const quote = (v) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
writeFileSync(new URL("hcp-import-template.csv", dir), "\uFEFF" + [HEADER, EXAMPLE].map((r) => r.map(quote).join(",")).join("\r\n") + "\r\n");

const sheet = XLSX.utils.aoa_to_sheet([HEADER, EXAMPLE]);
// Text cells throughout, so Excel keeps "0475 12 34 56" and a leading "+" as typed.
sheet["!cols"] = HEADER.map((h) => ({ wch: Math.max(h.length, 16) }));
const book = XLSX.utils.book_new();
XLSX.utils.book_append_sheet(book, sheet, "HCPs");
writeFileSync(new URL("hcp-import-template.xlsx", dir), XLSX.write(book, { type: "buffer", bookType: "xlsx" }));
console.log("pkg/templates: hcp-import-template.xlsx, hcp-import-template.csv");
