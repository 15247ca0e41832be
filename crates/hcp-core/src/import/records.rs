//! Records of delimited text, split exactly as the csv crate's reader splits
//! them (`flexible`, no headers): a field that starts with a quote runs to
//! the closing quote, `""` inside it is one quote, and anything after the
//! closing quote is kept as written; elsewhere a quote is an ordinary
//! character; CR, LF or CRLF ends a record, and blank lines are no record.
//! A test holds the two to the same fields on every short text.
//!
//! By hand rather than through csv's reader: nearly every field here is a
//! few unquoted bytes, which a byte loop splits in a fraction of the time a
//! general state machine takes per byte (in the browser, the csv reader and
//! the line counting around it were a fifth of a CSV import), and the row a
//! spreadsheet shows comes out of the same pass.

/// Where a field's text is: in the input, or unescaped into `scratch`.
#[derive(Clone, Copy)]
enum Span {
    Input(usize, usize),
    Scratch(usize, usize),
}

pub(crate) struct Records<'t> {
    text: &'t str,
    delimiter: u8,
    at: usize,
    /// The row a spreadsheet shows the next line on: one per line break
    /// outside quotes (a quoted line break keeps its record on one row).
    line: u64,
    spans: Vec<Span>,
    /// Quoted fields with `""` or text after the closing quote.
    scratch: String,
}

impl<'t> Records<'t> {
    pub(crate) fn new(text: &'t str, delimiter: u8) -> Records<'t> {
        Records {
            text,
            delimiter,
            at: 0,
            line: 1,
            spans: Vec::new(),
            scratch: String::new(),
        }
    }

    /// Reads the next record: its row, and the input's bytes behind it.
    pub(crate) fn next_record(&mut self) -> Option<(u64, usize)> {
        let bytes = self.text.as_bytes();
        // Blank lines: no record, but each is a row.
        while let Some(&b) = bytes.get(self.at) {
            match b {
                b'\n' => self.line += 1,
                b'\r' if bytes.get(self.at + 1) != Some(&b'\n') => self.line += 1,
                b'\r' => {}
                _ => break,
            }
            self.at += 1;
        }
        if self.at >= bytes.len() {
            return None;
        }
        let row = self.line;
        self.spans.clear();
        self.scratch.clear();
        loop {
            let field = if bytes.get(self.at) == Some(&b'"') {
                self.quoted()
            } else {
                let start = self.at;
                self.at = self.unquoted_end(start);
                Span::Input(start, self.at)
            };
            self.spans.push(field);
            match bytes.get(self.at) {
                Some(&b) if b == self.delimiter => self.at += 1,
                // The terminator is left for the blank-line loop above to count.
                _ => return Some((row, self.at)),
            }
        }
    }

    /// Where unquoted text from `from` ends: at a delimiter, CR, LF or the end.
    fn unquoted_end(&self, from: usize) -> usize {
        let bytes = self.text.as_bytes();
        let d = self.delimiter;
        bytes
            .get(from..)
            .and_then(|rest| {
                rest.iter()
                    .position(|&b| b == d || b == b'\n' || b == b'\r')
            })
            .map_or(bytes.len(), |i| from + i)
    }

    /// A field that starts with a quote; `at` is on it.
    fn quoted(&mut self) -> Span {
        let bytes = self.text.as_bytes();
        let start = self.at + 1;
        let mut from = start;
        // Set once the field cannot be borrowed from the input.
        let mut owned: Option<usize> = None;
        loop {
            let Some(q) = bytes
                .get(from..)
                .and_then(|rest| memchr::memchr(b'"', rest))
                .map(|i| from + i)
            else {
                // No closing quote: the field runs to the end, as csv reads it.
                self.at = bytes.len();
                return self.field(owned, start, from, bytes.len());
            };
            if bytes.get(q + 1) == Some(&b'"') {
                // `""`: one quote, kept with the text before it.
                owned.get_or_insert(self.scratch.len());
                self.push_scratch(from, q + 1);
                from = q + 2;
                continue;
            }
            let after = self.unquoted_end(q + 1);
            self.at = after;
            if after == q + 1 && owned.is_none() {
                return Span::Input(start, q);
            }
            // Text after the closing quote is kept as written.
            let s = *owned.get_or_insert(self.scratch.len());
            self.push_scratch(from, q);
            self.push_scratch(q + 1, after);
            return Span::Scratch(s, self.scratch.len());
        }
    }

    /// The field's span once its last piece, `from..end`, is known.
    fn field(&mut self, owned: Option<usize>, start: usize, from: usize, end: usize) -> Span {
        match owned {
            None => Span::Input(start, end),
            Some(s) => {
                self.push_scratch(from, end);
                Span::Scratch(s, self.scratch.len())
            }
        }
    }

    fn push_scratch(&mut self, from: usize, to: usize) {
        // Between ASCII bytes of a `str`, so always on char boundaries.
        self.scratch
            .push_str(self.text.get(from..to).unwrap_or_default());
    }

    /// The last record's fields.
    pub(crate) fn fields(&self) -> impl Iterator<Item = &str> {
        self.spans.iter().map(|span| match *span {
            Span::Input(a, b) => self.text.get(a..b).unwrap_or_default(),
            Span::Scratch(a, b) => self.scratch.get(a..b).unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<u64> {
        let mut records = Records::new(text, b',');
        std::iter::from_fn(|| records.next_record().map(|(row, _)| row)).collect()
    }

    fn csv_crate(text: &str) -> Vec<Vec<String>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        reader
            .records()
            .map(|r| r.map(|r| r.iter().map(str::to_owned).collect()))
            .collect::<Result<_, _>>()
            .unwrap_or_default()
    }

    #[test]
    fn every_short_text_splits_as_the_csv_crate_splits_it() {
        // Every text of up to 6 characters over the bytes that matter, and
        // one more character that is not ASCII.
        const ALPHABET: [char; 6] = ['a', ',', '"', '\r', '\n', 'é'];
        let mut checked = 0;
        for text in crate::exhaustive::texts(&ALPHABET, 0..=6) {
            assert_eq!(
                crate::import::split_records(&text, b','),
                csv_crate(&text),
                "{text:?}"
            );
            checked += 1;
        }
        assert_eq!(checked, (0..=6).map(|l| 6usize.pow(l)).sum::<usize>());
    }

    #[test]
    fn rows_count_blank_lines_and_not_quoted_line_breaks() {
        let rows = rows("a\n\n\"b\nc\",d\r\n\r\ne\rf\r\n  \ng");
        // a on 1; a blank line; "b\nc" on 3; a blank line; e and f on lone
        // CR and CRLF; a line of spaces is a record (the sink skips it); g.
        assert_eq!(rows, vec![1, 3, 5, 6, 7, 8]);
    }

    #[test]
    fn the_bytes_behind_a_record_end_before_its_terminator() {
        let mut records = Records::new("a,b\r\nc", b',');
        assert_eq!(records.next_record(), Some((1, 3)));
        assert_eq!(records.next_record(), Some((2, 6)));
        assert_eq!(records.next_record(), None);
    }
}
