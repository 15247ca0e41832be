#!/usr/bin/env bash
# Regenerates the committed import fixtures from canonical.csv with real tools:
# LibreOffice Calc (Debian's libreoffice-calc) converts it, every column read
# as text so "+32", "0032..." and leading zeros survive, into .xlsx, .xls, .ods
# and Excel 2003 XML; iconv writes the CSV encodings. Not run by the tests (the
# outputs are committed); run it after changing canonical.csv.
source "$(dirname "$0")/lib.sh"
command -v soffice >/dev/null || { as_root apt-get install -y -qq --no-install-recommends libreoffice-calc; }
DIR=crates/hcp-core/tests/fixtures/import
SRC="$DIR/canonical.csv"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
# CSV import options: comma, double quote, UTF-8 (76), from line 1, columns 1-6 as text (2).
IN='CSV:44,34,76,1,1/2/2/2/3/2/4/2/5/2/6/2'
for target in "xlsx:Calc MS Excel 2007 XML" "xls:MS Excel 97" "ods:calc8" "xml:MS Excel 2003 XML"; do
  ext="${target%%:*}"
  soffice --headless -env:UserInstallation="file://$TMP/profile" --infilter="$IN" \
    --convert-to "$target" --outdir "$TMP" "$SRC" >/dev/null
  mv "$TMP/canonical.$ext" "$DIR/canonical.$ext"
done
# .xlsb (LibreOffice cannot write it) and a second .xlsx dialect, by SheetJS.
node scripts/sheetjs-fixtures.mjs
printf '\xEF\xBB\xBF' | cat - "$SRC" > "$DIR/canonical-utf8-bom.csv"
iconv -f UTF-8 -t WINDOWS-1252 "$SRC" > "$DIR/canonical-cp1252.csv"
# UTF-16LE with BOM, tab-separated: what Excel's "Unicode Text" writes.
soffice --headless -env:UserInstallation="file://$TMP/profile" --infilter="$IN" \
  --convert-to 'txt:Text - txt - csv (StarCalc):9,34,65535,1' --outdir "$TMP" "$SRC" >/dev/null
mv "$TMP/canonical.txt" "$DIR/canonical-utf16le-tab.txt"
# Semicolon-separated, as Excel writes CSV in much of Europe, with its sep= line.
soffice --headless -env:UserInstallation="file://$TMP/profile" --infilter="$IN" \
  --convert-to 'csv:Text - txt - csv (StarCalc):59,34,76,1' --outdir "$TMP" "$SRC" >/dev/null
{ printf 'sep=;\r\n'; cat "$TMP/canonical.csv"; } > "$DIR/canonical-semicolon.csv"
ls -l "$DIR"
# Numbers as numbers (no text columns): LibreOffice stores numeric cells, so the
# reader's number-to-text rule is exercised (no "32.0", no "1.23E+15").
soffice --headless -env:UserInstallation="file://$TMP/profile" --infilter='CSV:44,34,76,1' \
  --convert-to "xlsx:Calc MS Excel 2007 XML" --outdir "$TMP" "$DIR/numbers.csv" >/dev/null
mv "$TMP/numbers.xlsx" "$DIR/numbers.xlsx"
soffice --headless -env:UserInstallation="file://$TMP/profile" --infilter='CSV:44,34,76,1' \
  --convert-to "ods:calc8" --outdir "$TMP" "$DIR/numbers.csv" >/dev/null
mv "$TMP/numbers.ods" "$DIR/numbers.ods"
# A password-protected workbook (ECMA-376 agile encryption, as Excel writes it),
# made by msoffcrypto-tool from PyPI.
python3 -m pip show msoffcrypto-tool >/dev/null 2>&1 || python3 -m pip install -q msoffcrypto-tool
msoffcrypto-tool -e -p secret "$DIR/canonical.xlsx" "$DIR/encrypted.xlsx"
# A 6 KB workbook that declares the largest possible sheet (A1:XFD1048576) and
# has a cell in its last column and row: readers must not allocate the dimension.
python3 - "$DIR/canonical.xlsx" "$DIR/huge-dimension.xlsx" <<'PY'
import re, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
    for item in zin.infolist():
        data = zin.read(item.filename)
        if item.filename == "xl/worksheets/sheet1.xml":
            xml = data.decode()
            xml = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', xml)
            far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>far away</t></is></c></row>'
            xml = xml.replace("</sheetData>", far + "</sheetData>")
            data = xml.encode()
        zout.writestr(item, data)
PY
