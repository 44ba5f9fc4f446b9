//! What a match is worth: the fields a word is found in, how well it matched, and the scores
//! that order the results of one query.

// Fields a word was found in, as bits of a posting.
pub(super) const NAME: u8 = 1;
pub(super) const TOWN: u8 = 2;
pub(super) const POSTCODE: u8 = 4;
pub(super) const KIND: u8 = 8;
pub(super) const ACADEMIE: u8 = 16;
pub(super) const DEPARTMENT: u8 = 32;

/// The weight of the best field in a set of field bits.
pub(super) const FIELD_WEIGHT: [u16; 64] = {
    let mut table = [0; 64];
    let mut fields = 0;
    while fields < 64 {
        let f = fields as u8;
        table[fields] = if f & NAME != 0 {
            10
        } else if f & (TOWN | POSTCODE) != 0 {
            7
        } else if f & KIND != 0 {
            5
        } else if f & (ACADEMIE | DEPARTMENT) != 0 {
            4
        } else {
            0
        };
        fields += 1;
    }
    table
};

/// How a query word matched an indexed word; the value is its weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Quality {
    Typo2 = 3,
    Typo1 = 5,
    Prefix = 6,
    Exact = 8,
}

/// One more matched query word outweighs any difference in how the words matched
/// (at most `MAX_TERMS` × 8 × 10 = 800).
pub(super) const PER_TERM: u32 = 1_000;
pub(super) const UAI_EXACT: u32 = 1_000_000;
pub(super) const UAI_CORRECTED: u32 = 990_000;
pub(super) const ADDRESS_EXACT: u32 = 2_000_000;
/// An address-like query (`@`, `.` or `_`, no space): addresses before establishments.
pub(super) const ADDRESS_FIRST: u32 = 1_500_000;
/// A plain word: addresses after every establishment.
pub(super) const ADDRESS_AFTER: u32 = 1;

/// A ranking key: sorting keys in ascending order puts the best score first, then the tie order.
pub(super) fn rank_key(score: u32, tie: u32) -> u64 {
    u64::from(u32::MAX - score) << 32 | u64::from(tie)
}

/// The score and tie place of a ranking key.
pub(super) fn unrank(key: u64) -> (u32, u32) {
    (u32::MAX - (key >> 32) as u32, key as u32)
}
