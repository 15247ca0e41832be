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
