#!/usr/bin/env bash
# The benchmark files: the same 100,000 HCP rows x 6 text columns as a CSV
# and as .xlsx from three producers, cached in target/bench and printed one
# path per line: LibreOffice Calc (shared strings, like Excel), SheetJS
# (inline `t="str"` cells, compressed: what SheetJS-based exports write) and openpyxl
# from PyPI (write-only mode, what Python exports write).
source "$(dirname "$0")/../scripts/lib.sh"
OUT="$CARGO_TARGET_DIR/bench"
mkdir -p "$OUT"
echo '<!doctype html><title>hcp-kit bench</title>' > "$OUT/index.html"
if [ ! -s "$OUT/hcp-100k.csv" ]; then
  node -e '
  const orgs = Array.from({ length: 20 }, (_, i) => `7d0f4a2e-1b3c-4d5e-8f90-${String(i).padStart(12, "0")}`);
  const lines = ["First Name,Last Name,Email Address,Country Code,Mobile Phone,Parent Organization ID"];
  for (let i = 0; i < 100000; i++) {
    const org = i % 3 === 0 ? orgs[i % orgs.length] : "";
    lines.push(`Name${i},Family${i % 997},hcp${i}@example${i % 50}.be,+32,0475 ${String(i).padStart(6, "0")},${org}`);
  }
  require("fs").writeFileSync(process.argv[1], lines.join("\r\n") + "\r\n");
  ' "$OUT/hcp-100k.csv"
fi
if [ ! -s "$OUT/hcp-100k.xlsx" ]; then
  command -v soffice >/dev/null || as_root apt-get install -y -qq --no-install-recommends libreoffice-calc >/dev/null
  TMP="$(mktemp -d)"
  soffice --headless -env:UserInstallation="file://$TMP/profile" \
    --infilter='CSV:44,34,76,1,1/2/2/2/3/2/4/2/5/2/6/2' \
    --convert-to "xlsx:Calc MS Excel 2007 XML" --outdir "$OUT" "$OUT/hcp-100k.csv" >/dev/null 2>&1
  rm -rf "$TMP"
fi
if [ ! -s "$OUT/hcp-100k-sheetjs.xlsx" ]; then
  node -e '
  const XLSX = require(process.argv[1]);
  const rows = require("fs").readFileSync(process.argv[2], "utf8").trim().split("\r\n").map((l) => l.split(","));
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), "HCPs");
  require("fs").writeFileSync(process.argv[3], XLSX.write(book, { type: "buffer", bookType: "xlsx", bookSST: false, compression: true }));
  ' "$PWD/node_modules/xlsx" "$OUT/hcp-100k.csv" "$OUT/hcp-100k-sheetjs.xlsx"
fi
if [ ! -s "$OUT/hcp-100k-openpyxl.xlsx" ]; then
  if [ ! -d "$OUT/pydeps/openpyxl" ]; then
    python3 -m pip --version >/dev/null 2>&1 || as_root apt-get install -y -qq --no-install-recommends python3-pip >/dev/null
    # Into a directory of its own: nothing is installed into the system's Python.
    PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
      --target "$OUT/pydeps" openpyxl==3.1.5 et_xmlfile==2.0.0
  fi
  PYTHONPATH="$OUT/pydeps" python3 - "$OUT/hcp-100k.csv" "$OUT/hcp-100k-openpyxl.xlsx" <<'PY'
import csv, sys
from openpyxl import Workbook
book = Workbook(write_only=True)
sheet = book.create_sheet("HCPs")
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for row in csv.reader(f):
        sheet.append(row)
book.save(sys.argv[2])
PY
fi
echo "$OUT/hcp-100k.csv"
echo "$OUT/hcp-100k.xlsx"
echo "$OUT/hcp-100k-sheetjs.xlsx"
echo "$OUT/hcp-100k-openpyxl.xlsx"
