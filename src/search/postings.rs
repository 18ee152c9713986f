//! Posting lists while a language is indexed, kept small: each stem's (document, term
//! frequency) pairs as LEB128 varints of the document's difference to the previous one and
//! of the frequency. Two or three bytes a posting, where a map entry per document and stem
//! took tens.

/// One stem's postings, documents ascending.
#[derive(Default)]
pub struct Postings {
    bytes: Vec<u8>,
    last_doc: Option<u32>,
    count: u32,
}

impl Postings {
    /// Appends a posting. Documents must come in ascending order; an out-of-order one is
    /// dropped (the indexer adds them in order, so this never happens).
    pub fn push(&mut self, doc: u32, tf: u32) {
        let previous = self.last_doc.unwrap_or(0);
        if self.last_doc.is_some_and(|last| doc <= last) {
            return;
        }
        push_varint(&mut self.bytes, doc - previous);
        push_varint(&mut self.bytes, tf);
        self.last_doc = Some(doc);
        self.count += 1;
    }

    /// The number of postings.
    pub fn len(&self) -> usize {
        self.count as usize
    }

    /// (document difference to the previous posting's, the first's from 0; term frequency).
    pub fn iter(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            let delta = read_varint(&self.bytes, &mut at)?;
            let tf = read_varint(&self.bytes, &mut at)?;
            Some((delta, tf))
        })
    }
}

pub(super) fn push_varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// The varint at `*at`, advancing past it; None at the end (or on a truncated one).
pub(super) fn read_varint(bytes: &[u8], at: &mut usize) -> Option<u32> {
    let mut value: u32 = 0;
    let mut shift = 0;
    loop {
        let byte = *bytes.get(*at)?;
        *at += 1;
        value |= u32::from(byte & 0x7f).checked_shl(shift)?;
        if byte & 0x80 == 0 {
            return Some(value);
        }
        shift += 7;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_round_trip_as_deltas() {
        let mut p = Postings::default();
        for (doc, tf) in [
            (0, 1),
            (3, 200),
            (130, 70_000),
            (20_000, u32::MAX),
            (u32::MAX, 5),
        ] {
            p.push(doc, tf);
        }
        p.push(7, 1); // out of order: dropped
        let got: Vec<(u32, u32)> = p.iter().collect();
        assert_eq!(
            got,
            [
                (0, 1),
                (3, 200),
                (127, 70_000),
                (19_870, u32::MAX),
                (u32::MAX - 20_000, 5)
            ]
        );
        assert_eq!(p.len(), 5);
    }

    #[test]
    fn a_first_document_above_zero_is_absolute() {
        let mut p = Postings::default();
        p.push(42, 3);
        assert_eq!(p.iter().collect::<Vec<_>>(), [(42, 3)]);
    }
}
