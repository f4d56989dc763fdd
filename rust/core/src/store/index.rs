//! The key index: an open-addressing hash table (linear probing,
//! backward-shift deletion) from a key's hash to its node in the store's
//! slab. A cell is 8 bytes, `tag << 32 | node`, where the tag is the low 32
//! bits of the key's hash (itself taken from the key's SHA-256 digest, so
//! uniform): probing compares tags without touching the nodes, and growing
//! or deleting needs no key, because a cell's home position is its tag
//! masked to the table size. The table stays at most 4/5 full.

/// No cell: `tag == u32::MAX` with `node == NIL` never occurs, as no node
/// has index `NIL`.
const EMPTY: u64 = u64::MAX;

/// Cells of the first table.
const MIN_CELLS: usize = 8;

#[inline]
fn cell(tag: u32, node: u32) -> u64 {
    (u64::from(tag) << 32) | u64::from(node)
}

#[inline]
fn tag_of(cell: u64) -> u32 {
    (cell >> 32) as u32
}

#[derive(Clone, Default)]
pub(super) struct Index {
    /// A power of two in length, or empty before the first insert.
    cells: Vec<u64>,
    len: usize,
}

impl Index {
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The node whose cell has `tag` and for which `is` holds.
    #[inline]
    pub(super) fn find(&self, tag: u32, mut is: impl FnMut(u32) -> bool) -> Option<u32> {
        if self.cells.is_empty() {
            return None;
        }
        let mask = self.cells.len() - 1;
        let mut i = tag as usize & mask;
        loop {
            let c = self.cells[i];
            if c == EMPTY {
                return None;
            }
            if tag_of(c) == tag && is(c as u32) {
                return Some(c as u32);
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds a node that is not in the index yet.
    pub(super) fn insert(&mut self, tag: u32, node: u32) {
        if (self.len + 1) * 5 > self.cells.len() * 4 {
            self.grow();
        }
        Self::place(&mut self.cells, cell(tag, node));
        self.len += 1;
    }

    /// Removes the node's cell (the node must be in the index with `tag`).
    pub(super) fn remove(&mut self, tag: u32, node: u32) {
        let target = cell(tag, node);
        let mask = self.cells.len().wrapping_sub(1);
        let Some(mut hole) = (0..self.cells.len())
            .map(|k| (tag as usize).wrapping_add(k) & mask)
            .find(|&i| self.cells[i] == target)
        else {
            debug_assert!(false, "removing a node that is not indexed");
            return;
        };
        // Pull later cells of the run back into the hole when their home is
        // not between the hole and them, so no lookup runs into a gap.
        let mut j = hole;
        loop {
            j = (j + 1) & mask;
            let c = self.cells[j];
            if c == EMPTY {
                break;
            }
            let home = tag_of(c) as usize & mask;
            if (j.wrapping_sub(home) & mask) >= (j.wrapping_sub(hole) & mask) {
                self.cells[hole] = c;
                hole = j;
            }
        }
        self.cells[hole] = EMPTY;
        self.len -= 1;
    }

    fn place(cells: &mut [u64], c: u64) {
        let mask = cells.len() - 1;
        let mut i = tag_of(c) as usize & mask;
        while cells[i] != EMPTY {
            i = (i + 1) & mask;
        }
        cells[i] = c;
    }

    fn grow(&mut self) {
        let size = (self.cells.len() * 2).max(MIN_CELLS);
        // Home positions come from the 32-bit tag.
        assert!(size as u64 <= 1 << 32, "key index larger than 2^32 cells");
        let old = std::mem::replace(&mut self.cells, vec![EMPTY; size]);
        for c in old.into_iter().filter(|&c| c != EMPTY) {
            Self::place(&mut self.cells, c);
        }
    }

    /// Every indexed `(tag, node)` (tests only).
    #[cfg(test)]
    pub(super) fn cells(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.cells
            .iter()
            .filter(|&&c| c != EMPTY)
            .map(|&c| (tag_of(c), c as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inserts and removals against a plain set, with tags crowded into
    /// few home positions so runs wrap around and shift back.
    #[test]
    fn matches_a_set_under_churn() {
        let mut index = Index::default();
        let mut model: Vec<(u32, u32)> = Vec::new();
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for step in 0..50_000u32 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let tag = ((state >> 20) as u32 % 24).wrapping_mul(0x1000_0001) | (state as u32 & 7);
            if model.len() < 300 && (state >> 40) % 3 != 0 {
                index.insert(tag, step);
                model.push((tag, step));
            } else if !model.is_empty() {
                let (tag, node) = model.swap_remove((state >> 8) as usize % model.len());
                index.remove(tag, node);
            }
            if step % 97 == 0 {
                assert_eq!(index.len(), model.len());
                let mut cells: Vec<_> = index.cells().collect();
                cells.sort_unstable();
                let mut expected = model.clone();
                expected.sort_unstable();
                assert_eq!(cells, expected);
                for &(tag, node) in &model {
                    assert_eq!(index.find(tag, |n| n == node), Some(node));
                }
                assert_eq!(index.find(tag, |_| false), None);
            }
        }
    }
}
