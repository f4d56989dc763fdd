//! A vector of slots addressed by `u32` index, with a stack of free indices.
//! Indices stay valid until removed, so linked lists can use them instead of
//! pointers (and the crate needs no `unsafe`). Slots are `Option<T>`: for an
//! entry holding a key (a non-null `Arc`) the option costs no space.

/// "No slot": the end of a list.
pub(crate) const NIL: u32 = u32::MAX;

#[derive(Clone, Debug)]
pub(crate) struct Slab<T> {
    slots: Vec<Option<T>>,
    free: Vec<u32>,
}

impl<T> Slab<T> {
    pub(crate) const fn new() -> Self {
        Slab {
            slots: Vec::new(),
            free: Vec::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    pub(crate) fn insert(&mut self, value: T) -> u32 {
        if let Some(index) = self.free.pop() {
            let slot = &mut self.slots[index as usize];
            debug_assert!(slot.is_none(), "free index points at an occupied slot");
            *slot = Some(value);
            index
        } else {
            let index = u32::try_from(self.slots.len()).expect("more than 2^32-1 entries");
            assert!(index != NIL, "more than 2^32-1 entries");
            self.slots.push(Some(value));
            index
        }
    }

    pub(crate) fn remove(&mut self, index: u32) -> T {
        let value = self.slots[index as usize]
            .take()
            .expect("removing a free slot");
        self.free.push(index);
        value
    }

    pub(crate) fn get(&self, index: u32) -> &T {
        self.slots[index as usize]
            .as_ref()
            .expect("reading a free slot")
    }

    pub(crate) fn get_mut(&mut self, index: u32) -> &mut T {
        self.slots[index as usize]
            .as_mut()
            .expect("writing a free slot")
    }

    /// Removes everything, keeping no capacity (a cleared cache should
    /// give its memory back).
    pub(crate) fn take_all(&mut self) -> Vec<T> {
        self.free = Vec::new();
        std::mem::take(&mut self.slots)
            .into_iter()
            .flatten()
            .collect()
    }
}
