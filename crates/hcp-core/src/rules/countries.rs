//! ITU calling codes by ISO 3166-1 alpha-2 region, as the phonenumbers
//! metadata lists them (generated once from it; regions sharing a code, like
//! the NANP "1", appear once each).

pub(crate) const BY_REGION: &[(&str, u16)] = &[
    ("AC", 247),
    ("AD", 376),
    ("AE", 971),
    ("AF", 93),
    ("AG", 1),
    ("AI", 1),
    ("AL", 355),
    ("AM", 374),
    ("AO", 244),
    ("AR", 54),
    ("AS", 1),
    ("AT", 43),
    ("AU", 61),
    ("AW", 297),
    ("AX", 358),
    ("AZ", 994),
    ("BA", 387),
    ("BB", 1),
    ("BD", 880),
    ("BE", 32),
    ("BF", 226),
    ("BG", 359),
    ("BH", 973),
    ("BI", 257),
    ("BJ", 229),
    ("BL", 590),
    ("BM", 1),
    ("BN", 673),
    ("BO", 591),
    ("BQ", 599),
    ("BR", 55),
    ("BS", 1),
    ("BT", 975),
    ("BW", 267),
    ("BY", 375),
    ("BZ", 501),
    ("CA", 1),
    ("CC", 61),
    ("CD", 243),
    ("CF", 236),
    ("CG", 242),
    ("CH", 41),
    ("CI", 225),
    ("CK", 682),
    ("CL", 56),
    ("CM", 237),
    ("CN", 86),
    ("CO", 57),
    ("CR", 506),
    ("CU", 53),
    ("CV", 238),
    ("CW", 599),
    ("CX", 61),
    ("CY", 357),
    ("CZ", 420),
    ("DE", 49),
    ("DJ", 253),
    ("DK", 45),
    ("DM", 1),
    ("DO", 1),
    ("DZ", 213),
    ("EC", 593),
    ("EE", 372),
    ("EG", 20),
    ("EH", 212),
    ("ER", 291),
    ("ES", 34),
    ("ET", 251),
    ("FI", 358),
    ("FJ", 679),
    ("FK", 500),
    ("FM", 691),
    ("FO", 298),
    ("FR", 33),
    ("GA", 241),
    ("GB", 44),
    ("GD", 1),
    ("GE", 995),
    ("GF", 594),
    ("GG", 44),
    ("GH", 233),
    ("GI", 350),
    ("GL", 299),
    ("GM", 220),
    ("GN", 224),
    ("GP", 590),
    ("GQ", 240),
    ("GR", 30),
    ("GT", 502),
    ("GU", 1),
    ("GW", 245),
    ("GY", 592),
    ("HK", 852),
    ("HN", 504),
    ("HR", 385),
    ("HT", 509),
    ("HU", 36),
    ("ID", 62),
    ("IE", 353),
    ("IL", 972),
    ("IM", 44),
    ("IN", 91),
    ("IO", 246),
    ("IQ", 964),
    ("IR", 98),
    ("IS", 354),
    ("IT", 39),
    ("JE", 44),
    ("JM", 1),
    ("JO", 962),
    ("JP", 81),
    ("KE", 254),
    ("KG", 996),
    ("KH", 855),
    ("KI", 686),
    ("KM", 269),
    ("KN", 1),
    ("KP", 850),
    ("KR", 82),
    ("KW", 965),
    ("KY", 1),
    ("KZ", 7),
    ("LA", 856),
    ("LB", 961),
    ("LC", 1),
    ("LI", 423),
    ("LK", 94),
    ("LR", 231),
    ("LS", 266),
    ("LT", 370),
    ("LU", 352),
    ("LV", 371),
    ("LY", 218),
    ("MA", 212),
    ("MC", 377),
    ("MD", 373),
    ("ME", 382),
    ("MF", 590),
    ("MG", 261),
    ("MH", 692),
    ("MK", 389),
    ("ML", 223),
    ("MM", 95),
    ("MN", 976),
    ("MO", 853),
    ("MP", 1),
    ("MQ", 596),
    ("MR", 222),
    ("MS", 1),
    ("MT", 356),
    ("MU", 230),
    ("MV", 960),
    ("MW", 265),
    ("MX", 52),
    ("MY", 60),
    ("MZ", 258),
    ("NA", 264),
    ("NC", 687),
    ("NE", 227),
    ("NF", 672),
    ("NG", 234),
    ("NI", 505),
    ("NL", 31),
    ("NO", 47),
    ("NP", 977),
    ("NR", 674),
    ("NU", 683),
    ("NZ", 64),
    ("OM", 968),
    ("PA", 507),
    ("PE", 51),
    ("PF", 689),
    ("PG", 675),
    ("PH", 63),
    ("PK", 92),
    ("PL", 48),
    ("PM", 508),
    ("PR", 1),
    ("PS", 970),
    ("PT", 351),
    ("PW", 680),
    ("PY", 595),
    ("QA", 974),
    ("RE", 262),
    ("RO", 40),
    ("RS", 381),
    ("RU", 7),
    ("RW", 250),
    ("SA", 966),
    ("SB", 677),
    ("SC", 248),
    ("SD", 249),
    ("SE", 46),
    ("SG", 65),
    ("SH", 290),
    ("SI", 386),
    ("SJ", 47),
    ("SK", 421),
    ("SL", 232),
    ("SM", 378),
    ("SN", 221),
    ("SO", 252),
    ("SR", 597),
    ("SS", 211),
    ("ST", 239),
    ("SV", 503),
    ("SX", 1),
    ("SY", 963),
    ("SZ", 268),
    ("TA", 290),
    ("TC", 1),
    ("TD", 235),
    ("TG", 228),
    ("TH", 66),
    ("TJ", 992),
    ("TK", 690),
    ("TL", 670),
    ("TM", 993),
    ("TN", 216),
    ("TO", 676),
    ("TR", 90),
    ("TT", 1),
    ("TV", 688),
    ("TW", 886),
    ("TZ", 255),
    ("UA", 380),
    ("UG", 256),
    ("US", 1),
    ("UY", 598),
    ("UZ", 998),
    ("VA", 39),
    ("VC", 1),
    ("VE", 58),
    ("VG", 1),
    ("VI", 1),
    ("VN", 84),
    ("VU", 678),
    ("WF", 681),
    ("WS", 685),
    ("XK", 383),
    ("YE", 967),
    ("YT", 262),
    ("ZA", 27),
    ("ZM", 260),
    ("ZW", 263),
];

/// Calling codes that belong to no region (international freephone, satellite
/// services, ...), still valid E.164 prefixes.
const NON_GEOGRAPHIC: &[u16] = &[800, 808, 870, 878, 881, 882, 883, 888, 979];

pub(crate) fn for_region(alpha2: &str) -> Option<u16> {
    BY_REGION
        .iter()
        .find(|(r, _)| r.eq_ignore_ascii_case(alpha2))
        .map(|&(_, code)| code)
}

/// Every calling code (1..=999) as one bit: each row asks up to four times,
/// and a scan of the region table each time was a tenth of a CSV import.
const CALLING_CODES: [u64; 16] = {
    let mut bits = [0u64; 16];
    let mut i = 0;
    while i < BY_REGION.len() {
        let code = BY_REGION[i].1 as usize;
        bits[code / 64] |= 1 << (code % 64);
        i += 1;
    }
    let mut i = 0;
    while i < NON_GEOGRAPHIC.len() {
        let code = NON_GEOGRAPHIC[i] as usize;
        bits[code / 64] |= 1 << (code % 64);
        i += 1;
    }
    bits
};

pub(crate) fn is_calling_code(code: u16) -> bool {
    let code = usize::from(code);
    CALLING_CODES
        .get(code / 64)
        .is_some_and(|word| word & (1 << (code % 64)) != 0)
}

/// The calling code a full international number (digits only) starts with.
pub(crate) fn prefix_of(digits: &str) -> Option<u16> {
    if digits.starts_with('0') {
        return None; // "047" would otherwise parse as Norway's 47
    }
    // Calling codes are prefix-free, so the first match is the only one.
    let mut code = 0u16;
    for b in digits.bytes().take(3) {
        if !b.is_ascii_digit() {
            return None;
        }
        code = code * 10 + u16::from(b - b'0');
        if is_calling_code(code) {
            return Some(code);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bitmap_holds_exactly_the_listed_codes() {
        for code in 0..=1100u16 {
            let listed =
                BY_REGION.iter().any(|&(_, c)| c == code) || NON_GEOGRAPHIC.contains(&code);
            assert_eq!(is_calling_code(code), listed, "{code}");
        }
    }

    #[test]
    fn a_number_starts_with_one_calling_code() {
        assert_eq!(prefix_of("32475123456"), Some(32));
        assert_eq!(prefix_of("14155550100"), Some(1));
        assert_eq!(prefix_of("352621123456"), Some(352));
        assert_eq!(prefix_of("0475123456"), None);
        assert_eq!(prefix_of("28"), None); // 28x is unassigned
        assert_eq!(prefix_of(""), None);
    }
}
