//! The time source. Production reads the system clock; tests pass in a clock they move by hand,
//! so that nothing time-dependent needs a test to sleep; `loa demo` runs on the system clock
//! with a jump forward, to show a reminder firing without waiting for it.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until it is set or advanced.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> ManualClock {
        ManualClock(Arc::new(Mutex::new(at)))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().expect("clock lock poisoned") = at;
    }

    pub fn advance(&self, by: chrono::Duration) {
        *self.0.lock().expect("clock lock poisoned") += by;
    }
}

/// The system clock, moved forward by jumps: time runs at its real speed, so that nothing fires
/// late and no draft expires early, and `jump_to` skips the dull hours in between. It never goes
/// back, as the scheduler and the outbox expect of time.
#[derive(Debug, Clone, Default)]
pub struct OffsetClock(Arc<Mutex<chrono::Duration>>);

impl OffsetClock {
    /// Moves the clock forward to `at`; a time already passed leaves it as it is. Returns
    /// whether it moved.
    pub fn jump_to(&self, at: DateTime<Utc>) -> bool {
        let mut offset = self.0.lock().expect("clock lock poisoned");
        let ahead = at - (Utc::now() + *offset);
        if ahead <= chrono::Duration::zero() {
            return false;
        }
        *offset += ahead;
        true
    }

    /// How far ahead of the system clock this clock is.
    pub fn offset(&self) -> chrono::Duration {
        *self.0.lock().expect("clock lock poisoned")
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock poisoned")
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    #[test]
    fn an_offset_clock_runs_with_the_system_clock_until_it_jumps() {
        let clock = OffsetClock::default();
        let before = Utc::now();
        let now = clock.now();
        assert!(before <= now && now <= Utc::now(), "without a jump it reads the system clock");

        let target = Utc::now() + Duration::days(3) + Duration::hours(2);
        assert!(clock.jump_to(target));
        let after_jump = clock.now();
        // It reads the target, plus the real time since the jump (well under a second here).
        assert!(
            target <= after_jump && after_jump < target + Duration::seconds(1),
            "{after_jump} vs {target}"
        );
        let offset = clock.offset();
        assert!(offset > Duration::days(3) && offset < Duration::days(3) + Duration::hours(3));
    }

    #[test]
    fn an_offset_clock_never_goes_back() {
        let clock = OffsetClock::default();
        assert!(clock.jump_to(Utc::now() + Duration::hours(5)));
        let offset = clock.offset();
        assert!(!clock.jump_to(Utc::now() + Duration::hours(1)), "an earlier time is refused");
        assert!(!clock.jump_to(Utc::now() - Duration::hours(1)), "so is the past");
        assert_eq!(clock.offset(), offset);
        assert!(clock.now() >= Utc::now() + Duration::hours(5) - Duration::seconds(1));
    }
}
