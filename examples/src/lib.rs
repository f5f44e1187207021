//! Example programs that use carefund as a user would; see the files beside this crate.
