//! Child processes of a test (a `sealbook serve`, a mail server) that end with it.

use std::ops::{Deref, DerefMut};
use std::process::{Child, Command};

/// A child process that is killed and reaped when this value is dropped: a
/// test that fails (its panic unwinds through the frame that owns this) leaves
/// no server running behind it. Used as the [`Child`] it holds.
#[derive(Debug)]
pub struct KillOnDrop(Child);

impl KillOnDrop {
    /// Starts `command`.
    ///
    /// # Errors
    /// When the process cannot be started.
    pub fn spawn(command: &mut Command) -> std::io::Result<Self> {
        command.spawn().map(Self)
    }
}

impl Deref for KillOnDrop {
    type Target = Child;

    fn deref(&self) -> &Child {
        &self.0
    }
}

impl DerefMut for KillOnDrop {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        // Either may fail only because the process has already ended and been
        // reaped (a test that stopped it itself): nothing is left to do then.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::process::Command;

    use super::KillOnDrop;

    #[test]
    fn a_dropped_guard_has_killed_and_reaped_its_process() {
        let child = KillOnDrop::spawn(Command::new("sleep").arg("600")).expect("sleep starts");
        let proc_entry = format!("/proc/{}", child.id());
        assert!(std::path::Path::new(&proc_entry).exists(), "running");
        let unwound = std::panic::catch_unwind(move || {
            let _owned = child;
            panic!("a failing test");
        });
        assert!(unwound.is_err());
        // Reaped: not even a zombie is left under its id.
        assert!(!std::path::Path::new(&proc_entry).exists(), "gone");
    }

    #[test]
    fn stopping_it_by_hand_first_is_fine() {
        let mut child = KillOnDrop::spawn(Command::new("sleep").arg("600")).expect("sleep starts");
        child.kill().expect("stop");
        child.wait().expect("reaped");
        drop(child);
    }
}
