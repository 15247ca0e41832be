// Small synthetic import files for `warmUp` (src/import.rs): a CSV and three
// .xlsx workbooks (shared strings as LibreOffice and Excel write them, `t="str"`
// as SheetJS does, `inlineStr` as openpyxl does), each with `rows` rows.
// Built here, not in Rust, to keep them out of the wasm module's size budget.
// The .xlsx entries are stored, not deflated: inflating runs in short calls
// that V8 optimizes during the user's own file anyway.

const HEADER = ["First Name", "Last Name", "Email Address", "Country Code", "Mobile Phone", "Parent Organization ID"];
const COLUMNS = "ABCDEF";
const PARENT = "7d0f4a2e-1b3c-4d5e-8f90-000000000000";
const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

function table(rows) {
  const out = [HEADER];
  for (let i = 0; i < rows; i++) {
    out.push([`Warm${i}`, `Up${i % 97}`, `warm${i}@example${i % 7}.be`, "+32", `0475 ${String(i).padStart(6, "0")}`, i % 3 ? "" : PARENT]);
  }
  return out;
}

const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

function sheetXml(cells, cell) {
  const rows = cells.map((r, y) => `<row r="${y + 1}">${r.map((v, x) => cell(v, `${COLUMNS[x]}${y + 1}`)).join("")}</row>`);
  return `<?xml version="1.0" encoding="UTF-8"?><worksheet ${NS}><sheetData>${rows.join("")}</sheetData></worksheet>`;
}

let crcTable;
function crc32(bytes) {
  crcTable ??= Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A zip of stored entries: local headers, data, central directory, end record. */
function zip(entries) {
  const enc = new TextEncoder();
  const files = Object.entries(entries).map(([name, text]) => ({ name: enc.encode(name), data: enc.encode(text) }));
  const size = files.reduce((n, f) => n + 30 + f.name.length + f.data.length + 46 + f.name.length, 22);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  const u16 = (v) => (view.setUint16(at, v, true), (at += 2));
  const u32 = (v) => (view.setUint32(at, v, true), (at += 4));
  const header = (f, central) => {
    u32(central ? 0x02014b50 : 0x04034b50);
    if (central) u16(20);
    // version, flags, stored, time, date (1980-01-01)
    u16(20), u16(0), u16(0), u16(0), u16(33);
    u32(f.crc), u32(f.data.length), u32(f.data.length);
    u16(f.name.length), u16(0);
    if (central) u16(0), u16(0), u16(0), u32(0), u32(f.offset);
    out.set(f.name, at);
    at += f.name.length;
  };
  for (const f of files) {
    f.crc = crc32(f.data);
    f.offset = at;
    header(f, false);
    out.set(f.data, at);
    at += f.data.length;
  }
  const directory = at;
  for (const f of files) header(f, true);
  u32(0x06054b50), u16(0), u16(0), u16(files.length), u16(files.length), u32(at - directory), u32(directory), u16(0);
  return out;
}

function xlsx(cells, kind) {
  const strings = [];
  const cell = {
    shared: (v, r) => (strings.push(v), `<c r="${r}" t="s"><v>${strings.length - 1}</v></c>`),
    str: (v, r) => `<c r="${r}" t="str"><v>${esc(v)}</v></c>`,
    inline: (v, r) => `<c r="${r}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`,
  }[kind];
  const sheet = sheetXml(cells, cell);
  const parts = {
    "_rels/.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    "xl/workbook.xml": `<workbook ${NS} xmlns:r="${REL}"><sheets><sheet name="HCPs" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    "xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    "xl/worksheets/sheet1.xml": sheet,
    "xl/sharedStrings.xml": `<sst ${NS} count="${strings.length}" uniqueCount="${strings.length}">${strings.map((s) => `<si><t>${esc(s)}</t></si>`).join("")}</sst>`,
  };
  return zip(parts);
}

export function warmUpFiles(rows) {
  const cells = table(rows);
  const csv = new TextEncoder().encode(cells.map((r) => r.join(",")).join("\r\n") + "\r\n");
  return [csv, xlsx(cells, "shared"), xlsx(cells, "str"), xlsx(cells, "inline")];
}
