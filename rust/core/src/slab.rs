//! A vector of slots addressed by `u32` index, with a stack of free indices.
//! Indices stay valid until removed, so linked lists can use them instead of
//! pointers (and the crate needs no `unsafe`). A removed slot holds a
//! caller-chosen vacant value rather than an `Option`, so reads cost no
//! occupancy check and the slot type keeps its size; the store never follows
//! an index to a free slot (its invariants say so, and `validate` checks).

/// "No slot": the end of a list.
pub(crate) const NIL: u32 = u32::MAX;

#[derive(Clone, Debug)]
pub(crate) struct Slab<T> {
    slots: Vec<T>,
    free: Vec<u32>,
}

impl<T> Slab<T> {
    pub(crate) const fn new() -> Self {
        Slab {
            slots: Vec::new(),
            free: Vec::new(),
        }
    }

    /// Occupied slots.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    /// Slots ever allocated (occupied or free): indices are below this.
    pub(crate) fn capacity_used(&self) -> usize {
        self.slots.len()
    }

    #[inline]
    pub(crate) fn insert(&mut self, value: T) -> u32 {
        if let Some(index) = self.free.pop() {
            self.slots[index as usize] = value;
            index
        } else {
            let index = u32::try_from(self.slots.len()).expect("more than 2^32-1 slots");
            assert!(index != NIL, "more than 2^32-1 slots");
            self.slots.push(value);
            index
        }
    }

    /// Frees a slot, leaving `vacant` in it, and returns what it held.
    #[inline]
    pub(crate) fn remove(&mut self, index: u32, vacant: T) -> T {
        let value = std::mem::replace(&mut self.slots[index as usize], vacant);
        self.free.push(index);
        value
    }

    /// Frees a slot whose content the caller has already made vacant (it
    /// stays in place until `insert` overwrites it).
    #[inline]
    pub(crate) fn release(&mut self, index: u32) {
        self.free.push(index);
    }

    #[inline]
    pub(crate) fn get(&self, index: u32) -> &T {
        &self.slots[index as usize]
    }

    #[inline]
    pub(crate) fn get_mut(&mut self, index: u32) -> &mut T {
        &mut self.slots[index as usize]
    }

    /// Whether `index` is on the free list (tests only: O(free)).
    #[cfg(test)]
    pub(crate) fn is_free(&self, index: u32) -> bool {
        self.free.contains(&index)
    }

    /// Every slot, free ones included, keeping no capacity (a cleared cache
    /// should give its memory back).
    pub(crate) fn take_all(&mut self) -> Vec<T> {
        self.free = Vec::new();
        std::mem::take(&mut self.slots)
    }
}
