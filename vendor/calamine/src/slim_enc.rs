//! Minimal stand-in for the parts of `encoding_rs` calamine uses (size-lab patch).
//! Supports UTF-8, UTF-16LE/BE and every single-byte code page that `codepage::to_encoding`
//! maps (Windows 874/1250-1258, ISO-8859-x, KOI8, IBM866, Mac Roman/Cyrillic), with the same
//! tables as encoding_rs. Double-byte CJK code pages (932/936/949/950, EUC, ISO-2022-JP)
//! are rejected with `CfbError::CodePageNotFound`; only BIFF5-and-older .xls files use them.
use std::borrow::Cow;

#[path = "slim_enc_tables.rs"]
mod tables;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf16Le,
    Utf16Be,
    Utf8,
    Single(u8),
}
pub static UTF_16LE: &Encoding = &Encoding::Utf16Le;
pub static UTF_16BE: &Encoding = &Encoding::Utf16Be;
static SINGLES: [Encoding; tables::TABLES.len()] = {
    let mut a = [Encoding::Single(0); tables::TABLES.len()];
    let mut i = 0;
    while i < a.len() {
        a[i] = Encoding::Single(i as u8);
        i += 1;
    }
    a
};

pub fn for_codepage(cp: u16) -> Option<&'static Encoding> {
    match cp {
        65001 => Some(&Encoding::Utf8),
        1200 | 21010 => Some(&Encoding::Utf16Le),
        1201 => Some(&Encoding::Utf16Be),
        cp => tables::single_byte(cp).map(|i| &SINGLES[i as usize]),
    }
}

fn utf16(b: &[u8], be: bool) -> String {
    let it = b.chunks_exact(2).map(|c| if be { u16::from_be_bytes([c[0], c[1]]) } else { u16::from_le_bytes([c[0], c[1]]) });
    let mut s: String = char::decode_utf16(it).map(|c| c.unwrap_or('\u{FFFD}')).collect();
    if b.len() % 2 == 1 {
        s.push('\u{FFFD}');
    }
    s
}

impl Encoding {
    /// Same contract as `encoding_rs::Encoding::decode`: BOM sniffing, then decode with replacement.
    pub fn decode<'a>(&self, b: &'a [u8]) -> (Cow<'a, str>, &'static Encoding, bool) {
        let (enc, b) = if let Some(r) = b.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
            (Encoding::Utf8, r)
        } else if let Some(r) = b.strip_prefix(&[0xFF, 0xFE]) {
            (Encoding::Utf16Le, r)
        } else if let Some(r) = b.strip_prefix(&[0xFE, 0xFF]) {
            (Encoding::Utf16Be, r)
        } else {
            (*self, b)
        };
        let s = match enc {
            Encoding::Utf8 => String::from_utf8_lossy(b),
            Encoding::Utf16Le => Cow::Owned(utf16(b, false)),
            Encoding::Utf16Be => Cow::Owned(utf16(b, true)),
            Encoding::Single(t) => match std::str::from_utf8(b) {
                Ok(s) if b.is_ascii() => Cow::Borrowed(s),
                _ => {
                    let t = &tables::TABLES[t as usize];
                    Cow::Owned(
                        b.iter()
                            .map(|&c| if c < 0x80 { c as char } else { char::from_u32(t[(c - 0x80) as usize] as u32).filter(|&ch| ch != '\0').unwrap_or('\u{FFFD}') })
                            .collect(),
                    )
                }
            },
        };
        (s, UTF_16LE, false)
    }
}
