//! A streaming XML tokenizer for the two big parts of an .xlsx (the sheet and
//! the shared strings, 50 MB of XML for 100,000 rows).
//!
//! Why not quick-xml there: on that sheet quick-xml's event reader (copying
//! each event into a buffer, validating and splitting text at every entity)
//! was 44% of the whole import. This one only finds tags and text, lends
//! slices of its own buffer, and resolves entities only when asked. Like the
//! quick-xml readers it refuses DTDs, so no entity can expand; it keeps no
//! stack, so nesting costs nothing; a token larger than `MAX_TOKEN` is an
//! error rather than an unbounded buffer.

use std::borrow::Cow;
use std::io::Read;
use std::ops::Range;

use memchr::{memchr, memmem};

use super::error::{ImportError, invalid};

const CHUNK: usize = 256 * 1024;
const MAX_TOKEN: usize = 16 * 1024 * 1024;

pub(crate) enum Token<'a> {
    /// `<name attrs>` or `<name attrs/>` (`empty`); `name` without its prefix.
    Start {
        name: &'a [u8],
        attrs: &'a [u8],
        empty: bool,
    },
    End {
        name: &'a [u8],
    },
    /// Character data as written (entities unresolved: see `unescape`).
    Text(&'a [u8]),
    /// The inside of `<![CDATA[...]]>`.
    CData(&'a [u8]),
}

/// Offsets into the buffer, so the buffer can be refilled before lending.
enum Found {
    Start(Range<usize>, Range<usize>, bool),
    End(Range<usize>),
    Text(Range<usize>),
    CData(Range<usize>),
    /// A comment or processing instruction: skipped.
    Skip,
    /// The token runs past the buffer.
    More,
    Eof,
}

pub(crate) struct Tokens<R> {
    source: R,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    /// Bytes dropped from the front of `buf` so far.
    dropped: u64,
}

fn local(name: &[u8]) -> Range<usize> {
    // Names are a few bytes: a plain scan beats memchr's set-up.
    let start = name.iter().position(|&c| c == b':').map_or(0, |i| i + 1);
    start..name.len()
}

pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The token at the start of `b`; offsets relative to `b`, plus its length.
fn find(b: &[u8], eof: bool) -> Result<(Found, usize), ImportError> {
    let Some(&first) = b.first() else {
        return Ok((if eof { Found::Eof } else { Found::More }, 0));
    };
    if first != b'<' {
        return Ok(match memchr(b'<', b) {
            Some(i) => (Found::Text(0..i), i),
            None if eof => (Found::Text(0..b.len()), b.len()),
            None => (Found::More, 0),
        });
    }
    match b.get(1) {
        None => incomplete(eof),
        Some(b'!' | b'?') => declaration(b, eof),
        Some(b'/') => match memchr(b'>', b) {
            Some(i) => {
                let name = b.get(2..i).unwrap_or_default();
                let end = name.iter().position(|&c| is_space(c)).unwrap_or(name.len());
                let l = local(name.get(..end).unwrap_or_default());
                Ok((Found::End(l.start + 2..l.end + 2), i + 1))
            }
            None => incomplete(eof),
        },
        Some(_) => {
            // The tag ends at the first '>' outside a quoted attribute value.
            // A byte loop: a sheet's tags are a few dozen bytes, where
            // memchr's set-up at each quote cost more than it saved in wasm
            // (no SIMD there): 4-10% of a sheet's parse.
            let mut quote = 0u8;
            let mut close = None;
            for (i, &c) in b.iter().enumerate().skip(1) {
                if quote != 0 {
                    if c == quote {
                        quote = 0;
                    }
                } else if c == b'>' {
                    close = Some(i);
                    break;
                } else if c == b'"' || c == b'\'' {
                    quote = c;
                }
            }
            let Some(close) = close else {
                return incomplete(eof);
            };
            let empty = close > 1 && b.get(close - 1) == Some(&b'/');
            let inner_end = if empty { close - 1 } else { close };
            let inner = b.get(1..inner_end).unwrap_or_default();
            let name_end = inner
                .iter()
                .position(|&c| is_space(c))
                .unwrap_or(inner.len());
            let l = local(inner.get(..name_end).unwrap_or_default());
            Ok((
                Found::Start(l.start + 1..l.end + 1, name_end + 1..inner_end, empty),
                close + 1,
            ))
        }
    }
}

/// A token that runs past the end of what is read: more to read, or an
/// error at the end of the part.
fn incomplete(eof: bool) -> Result<(Found, usize), ImportError> {
    if eof {
        Err(invalid("XML ends inside a tag"))
    } else {
        Ok((Found::More, 0))
    }
}

/// A comment, CDATA section, processing instruction or DOCTYPE at the start
/// of `b` (`find`'s rare tokens). Out of line: `next` runs for every token
/// and a browser optimizes it sooner when it is small.
#[cold]
#[inline(never)]
fn declaration(b: &[u8], eof: bool) -> Result<(Found, usize), ImportError> {
    let until = |from: usize, end: &[u8]| memmem::find(b.get(from..)?, end).map(|i| from + i);
    if b.starts_with(b"<?") {
        return match until(2, b"?>") {
            Some(i) => Ok((Found::Skip, i + 2)),
            None => incomplete(eof),
        };
    }
    if b.starts_with(b"<!--") {
        match until(4, b"-->") {
            Some(i) => Ok((Found::Skip, i + 3)),
            None => incomplete(eof),
        }
    } else if b.starts_with(b"<![CDATA[") {
        match until(9, b"]]>") {
            Some(i) => Ok((Found::CData(9..i), i + 3)),
            None => incomplete(eof),
        }
    } else if b.len() < 9 && !eof {
        Ok((Found::More, 0))
    } else {
        Err(invalid(
            "XML with a DOCTYPE is not accepted (entity expansion)",
        ))
    }
}

impl<R: Read> Tokens<R> {
    pub(crate) fn new(source: R) -> Self {
        Tokens {
            source,
            buf: Vec::with_capacity(CHUNK),
            pos: 0,
            eof: false,
            dropped: 0,
        }
    }

    /// Moves the unread rest to the front and reads more after it. Out of
    /// line: once per 256 KB buffer, not per token (see `declaration`).
    #[inline(never)]
    fn refill(&mut self) -> Result<(), ImportError> {
        self.buf.drain(..self.pos);
        self.dropped += self.pos as u64;
        self.pos = 0;
        let have = self.buf.len();
        if have >= MAX_TOKEN {
            return Err(invalid("an XML element is larger than 16 MB"));
        }
        // A token longer than the buffer doubles it.
        let want = CHUNK.max(have) as u64;
        let read = (&mut self.source)
            .take(want)
            .read_to_end(&mut self.buf)
            .map_err(|e| invalid(format!("zip: {e}")))?;
        if read == 0 {
            self.eof = true;
        }
        Ok(())
    }

    /// Bytes of the part read so far.
    pub(crate) fn consumed(&self) -> u64 {
        self.dropped + self.pos as u64
    }

    /// The next token, or `None` at the end of the part.
    pub(crate) fn next(&mut self) -> Result<Option<Token<'_>>, ImportError> {
        let (found, base) = loop {
            let rest = self.buf.get(self.pos..).unwrap_or_default();
            let (found, len) = find(rest, self.eof)?;
            match found {
                Found::More => self.refill()?,
                Found::Skip => self.pos += len,
                found => {
                    let base = self.pos;
                    self.pos += len;
                    break (found, base);
                }
            }
        };
        let at = |r: Range<usize>| {
            self.buf
                .get(base + r.start..base + r.end)
                .unwrap_or_default()
        };
        Ok(Some(match found {
            Found::Start(name, attrs, empty) => Token::Start {
                name: at(name),
                attrs: at(attrs),
                empty,
            },
            Found::End(name) => Token::End { name: at(name) },
            Found::Text(r) => Token::Text(at(r)),
            Found::CData(r) => Token::CData(at(r)),
            Found::Eof => return Ok(None),
            Found::Skip | Found::More => return Ok(None),
        }))
    }
}

impl<R> Tokens<R> {
    /// When the buffer holds `open`, then text without markup, then `close`,
    /// whole and right at the reader's position: that text (entities
    /// unresolved), and the reader moves past `close`. Otherwise `None`, and
    /// nothing is read. A sheet's cells are nearly all `<v>6</v></c>`: taken
    /// at once rather than as four tokens, a third of the tokens' time.
    pub(crate) fn simple_text(&mut self, open: &[u8], close: &[u8]) -> Option<&[u8]> {
        let rest = self.buf.get(self.pos..)?;
        let body = rest.strip_prefix(open)?;
        let len = memchr(b'<', body)?;
        let after = body.get(len..)?.strip_prefix(close)?;
        let start = self.pos + open.len();
        self.pos += rest.len() - after.len();
        self.buf.get(start..start + len)
    }
}

/// `name="value"` pairs of a start tag: (local name, raw value).
pub(crate) fn attributes(raw: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    let mut rest = raw;
    std::iter::from_fn(move || {
        let eq = rest.iter().position(|&c| c == b'=')?;
        let name = rest.get(..eq)?;
        let name = name.trim_ascii();
        let after = rest.get(eq + 1..)?.trim_ascii_start();
        let quote = *after.first()?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let value_len = after.get(1..)?.iter().position(|&c| c == quote)?;
        let value = after.get(1..1 + value_len)?;
        rest = after.get(value_len + 2..)?;
        Some((name.get(local(name)).unwrap_or_default(), value))
    })
}

/// XML text as it is, when it has no reference and no CR to unescape (most
/// of a sheet's texts: one pass over a few bytes); `None` otherwise.
pub(crate) fn plain_text(raw: &[u8]) -> Result<Option<&str>, ImportError> {
    let text = utf8(raw)?;
    Ok(is_plain(raw).then_some(text))
}

fn utf8(raw: &[u8]) -> Result<&str, ImportError> {
    std::str::from_utf8(raw).map_err(|_| invalid("XML text is not UTF-8"))
}

fn is_plain(raw: &[u8]) -> bool {
    !raw.iter().any(|&c| c == b'&' || c == b'\r')
}

/// Appends character data with its entity references resolved (by
/// quick-xml, as the SpreadsheetML reader does) and line ends normalized as
/// XML 1.0 reads them: before the entities, so a `&#13;` stays a CR.
pub(crate) fn unescape(raw: &[u8], out: &mut String) -> Result<(), ImportError> {
    let text = utf8(raw)?;
    if is_plain(raw) {
        out.push_str(text);
        return Ok(());
    }
    let text = match memchr(b'\r', raw) {
        None => Cow::Borrowed(text),
        Some(_) => Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n")),
    };
    let text = quick_xml::escape::unescape(&text).map_err(|e| invalid(format!("XML: {e}")))?;
    out.push_str(&text);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(xml: &str, chunked: bool) -> Result<Vec<String>, ImportError> {
        // A reader that hands out one byte at a time exercises every refill.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(out.len()).min(1);
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let source: Box<dyn Read> = if chunked {
            Box::new(Trickle(xml.as_bytes()))
        } else {
            Box::new(xml.as_bytes())
        };
        let mut t = Tokens::new(source);
        let mut out = Vec::new();
        while let Some(tok) = t.next()? {
            out.push(match tok {
                Token::Start { name, attrs, empty } => {
                    let a: Vec<String> = attributes(attrs)
                        .map(|(k, v)| {
                            format!(
                                "{}={}",
                                String::from_utf8_lossy(k),
                                String::from_utf8_lossy(v)
                            )
                        })
                        .collect();
                    format!(
                        "<{}{}{}",
                        String::from_utf8_lossy(name),
                        a.join(","),
                        if empty { "/" } else { "" }
                    )
                }
                Token::End { name } => format!("</{}", String::from_utf8_lossy(name)),
                Token::Text(t) => {
                    let mut s = String::new();
                    unescape(t, &mut s)?;
                    format!("'{s}'")
                }
                Token::CData(t) => format!("[{}]", String::from_utf8_lossy(t)),
            });
        }
        Ok(out)
    }

    #[test]
    fn tags_text_and_attributes_whole_or_a_byte_at_a_time() {
        let xml = "<?xml version=\"1.0\"?><x:c r=\"A1\" t='s' f=\"a>b\"><!-- c --><v>1 &amp; &#x41;&#66;\r\n</v></x:c><e a=\"1\"/><![CDATA[<raw>]]>";
        for chunked in [false, true] {
            assert_eq!(
                all(xml, chunked).unwrap(),
                [
                    "<cr=A1,t=s,f=a>b",
                    "<v",
                    "'1 & AB\n'",
                    "</v",
                    "</c",
                    "<ea=1/",
                    "[<raw>]"
                ]
            );
        }
    }

    #[test]
    fn simple_text_is_taken_whole_or_not_at_all() {
        let xml = b"<c><v>1 &amp; 2</v></c><c><v>3</v><f/></c><c><v>4</v></c";
        let mut t = Tokens::new(&xml[..]);
        assert!(matches!(
            t.next(),
            Ok(Some(Token::Start { name: b"c", .. }))
        ));
        assert_eq!(t.simple_text(b"<v>", b"</v></c>"), Some(&b"1 &amp; 2"[..]));
        assert!(matches!(
            t.next(),
            Ok(Some(Token::Start { name: b"c", .. }))
        ));
        // Not followed by `</c>`: nothing read, the tokens go on as before.
        assert_eq!(t.simple_text(b"<v>", b"</v></c>"), None);
        assert!(matches!(
            t.next(),
            Ok(Some(Token::Start { name: b"v", .. }))
        ));
        assert!(matches!(t.next(), Ok(Some(Token::Text(b"3")))));
        for _ in 0..4 {
            assert!(t.next().is_ok());
        }
        // Cut short: the close is not in the buffer.
        assert_eq!(t.simple_text(b"<v>", b"</v></c>"), None);
        assert!(matches!(
            t.next(),
            Ok(Some(Token::Start { name: b"v", .. }))
        ));
    }

    #[test]
    fn hostile_input_is_an_error() {
        assert!(all("<!DOCTYPE x [<!ENTITY a \"b\">]><x/>", false).is_err());
        assert!(all("<x>&bogus;</x>", false).is_err());
        assert!(all("<x a=\"unterminated", false).is_err());
        assert!(all("<x>\u{0}&#xD800;</x>", false).is_err());
    }
}
