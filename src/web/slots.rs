//! How many page extractions run at once.
//!
//! Extraction is CPU work that no deadline can interrupt once it runs (a
//! timeout only stops the waiting), so repeated `/corpus add` calls could
//! otherwise keep every core busy. [`Slots`] is a counting semaphore for
//! threads; [`extractions`] is the process's one set of extraction slots,
//! shared by every way an HTML page comes in (a URL, an attached file, a
//! file on the command line); plain text needs no slot, its reading is
//! linear. An extraction waits a bounded time for a slot, then
//! gives up with a "busy" error.
//!
//! It must not know what is extracted; `extract` takes a slot around its
//! work.

use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A counting semaphore for blocking threads.
#[derive(Debug)]
pub struct Slots {
    limit: usize,
    taken: Mutex<usize>,
    freed: Condvar,
}

/// A taken slot, given back when dropped.
#[derive(Debug)]
pub struct Slot<'a> {
    slots: &'a Slots,
}

impl Slots {
    /// `limit` slots (at least one).
    pub fn new(limit: usize) -> Slots {
        Slots { limit: limit.max(1), taken: Mutex::new(0), freed: Condvar::new() }
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Takes a slot, waiting at most `wait` for one to be free.
    pub fn take(&self, wait: Duration) -> Option<Slot<'_>> {
        let deadline = Instant::now() + wait;
        // A poisoned lock only means a holder panicked; the count is still right.
        let mut taken = self.taken.lock().unwrap_or_else(|e| e.into_inner());
        while *taken >= self.limit {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            taken = self.freed.wait_timeout(taken, left).unwrap_or_else(|e| e.into_inner()).0;
        }
        *taken += 1;
        Some(Slot { slots: self })
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut taken = self.slots.taken.lock().unwrap_or_else(|e| e.into_inner());
        *taken = taken.saturating_sub(1);
        drop(taken);
        self.slots.freed.notify_one();
    }
}

/// The process's extraction slots: half the cores (at least one), so
/// answering questions always keeps a core.
pub fn extractions() -> &'static Slots {
    static EXTRACTIONS: OnceLock<Slots> = OnceLock::new();
    EXTRACTIONS.get_or_init(|| Slots::new(std::thread::available_parallelism().map_or(1, |n| n.get() / 2)))
}

/// How long an extraction waits for a slot before it is refused as busy.
pub const WAIT: Duration = Duration::from_secs(30);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_taken_waited_for_and_given_back() {
        let slots = Slots::new(2);
        let a = slots.take(Duration::ZERO).expect("first");
        let b = slots.take(Duration::ZERO).expect("second");
        assert!(slots.take(Duration::from_millis(20)).is_none(), "a third must wait, then give up");
        drop(a);
        let c = slots.take(Duration::ZERO).expect("a slot given back is free");
        drop((b, c));
        assert_eq!(Slots::new(0).limit(), 1);
        assert!(extractions().limit() >= 1);
    }

    #[test]
    fn a_waiting_thread_gets_the_slot_when_it_is_given_back() {
        let slots = Slots::new(1);
        let held = slots.take(Duration::ZERO).expect("free");
        std::thread::scope(|s| {
            let waiter = s.spawn(|| slots.take(Duration::from_secs(10)).is_some());
            std::thread::sleep(Duration::from_millis(20));
            drop(held);
            assert!(waiter.join().expect("no panic"));
        });
    }
}
