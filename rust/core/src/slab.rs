//! A vector of slots addressed by `u32` index, with a free list threaded
//! through the empty slots. Indices stay valid until removed, so linked
//! lists can use them instead of pointers (and the crate needs no `unsafe`).

/// "No slot": the end of a list.
pub(crate) const NIL: u32 = u32::MAX;

#[derive(Clone, Debug)]
enum Slot<T> {
    Occupied(T),
    Free { next_free: u32 },
}

#[derive(Clone, Debug)]
pub(crate) struct Slab<T> {
    slots: Vec<Slot<T>>,
    free_head: u32,
    len: usize,
}

impl<T> Slab<T> {
    pub(crate) const fn new() -> Self {
        Slab {
            slots: Vec::new(),
            free_head: NIL,
            len: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn insert(&mut self, value: T) -> u32 {
        self.len += 1;
        if self.free_head != NIL {
            let index = self.free_head;
            let slot = &mut self.slots[index as usize];
            let Slot::Free { next_free } = *slot else {
                unreachable!("free list points at an occupied slot");
            };
            self.free_head = next_free;
            *slot = Slot::Occupied(value);
            index
        } else {
            let index = u32::try_from(self.slots.len()).expect("more than 2^32-1 entries");
            assert!(index != NIL, "more than 2^32-1 entries");
            self.slots.push(Slot::Occupied(value));
            index
        }
    }

    pub(crate) fn remove(&mut self, index: u32) -> T {
        let slot = std::mem::replace(
            &mut self.slots[index as usize],
            Slot::Free {
                next_free: self.free_head,
            },
        );
        match slot {
            Slot::Occupied(value) => {
                self.free_head = index;
                self.len -= 1;
                value
            }
            Slot::Free { .. } => unreachable!("removing a free slot"),
        }
    }

    pub(crate) fn get(&self, index: u32) -> &T {
        match &self.slots[index as usize] {
            Slot::Occupied(value) => value,
            Slot::Free { .. } => unreachable!("reading a free slot"),
        }
    }

    pub(crate) fn get_mut(&mut self, index: u32) -> &mut T {
        match &mut self.slots[index as usize] {
            Slot::Occupied(value) => value,
            Slot::Free { .. } => unreachable!("writing a free slot"),
        }
    }

    /// Removes everything, keeping no capacity (a cleared cache should
    /// give its memory back).
    pub(crate) fn take_all(&mut self) -> Vec<T> {
        let slots = std::mem::take(&mut self.slots);
        self.free_head = NIL;
        self.len = 0;
        slots
            .into_iter()
            .filter_map(|slot| match slot {
                Slot::Occupied(value) => Some(value),
                Slot::Free { .. } => None,
            })
            .collect()
    }
}
