//! Every text up to a length over a small alphabet, for the tests that hold
//! a fast path to the general code it stands in for.

/// Every text of `lens` characters over `alphabet`, shortest first.
pub(crate) fn texts(
    alphabet: &[char],
    lens: std::ops::RangeInclusive<u32>,
) -> impl Iterator<Item = String> + '_ {
    lens.flat_map(move |len| {
        (0..alphabet.len().pow(len)).map(move |n| {
            let mut k = n;
            (0..len)
                .map(|_| {
                    let c = alphabet[k % alphabet.len()];
                    k /= alphabet.len();
                    c
                })
                .collect()
        })
    })
}
