#!/usr/bin/env bash
# The benchmark workbook: 100,000 HCP rows x 6 text columns, written by
# LibreOffice Calc as .xlsx (shared strings, like Excel). Cached in target/bench.
source "$(dirname "$0")/../scripts/lib.sh"
OUT="$CARGO_TARGET_DIR/bench"
mkdir -p "$OUT"
echo '<!doctype html><title>hcp-kit bench</title>' > "$OUT/index.html"
[ -s "$OUT/hcp-100k.xlsx" ] && { echo "$OUT/hcp-100k.xlsx"; exit 0; }
command -v soffice >/dev/null || as_root apt-get install -y -qq --no-install-recommends libreoffice-calc >/dev/null
node -e '
const orgs = Array.from({ length: 20 }, (_, i) => `7d0f4a2e-1b3c-4d5e-8f90-${String(i).padStart(12, "0")}`);
const lines = ["First Name,Last Name,Email Address,Country Code,Mobile Phone,Parent Organization ID"];
for (let i = 0; i < 100000; i++) {
  const org = i % 3 === 0 ? orgs[i % orgs.length] : "";
  lines.push(`Name${i},Family${i % 997},hcp${i}@example${i % 50}.be,+32,0475 ${String(i).padStart(6, "0")},${org}`);
}
require("fs").writeFileSync(process.argv[1], lines.join("\r\n") + "\r\n");
' "$OUT/hcp-100k.csv"
TMP="$(mktemp -d)"
soffice --headless -env:UserInstallation="file://$TMP/profile" \
  --infilter='CSV:44,34,76,1,1/2/2/2/3/2/4/2/5/2/6/2' \
  --convert-to "xlsx:Calc MS Excel 2007 XML" --outdir "$OUT" "$OUT/hcp-100k.csv" >/dev/null 2>&1
rm -rf "$TMP"
echo "$OUT/hcp-100k.xlsx"
