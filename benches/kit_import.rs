//! Verify + import of a 200 MB kit (written in the next commit).

fn main() {}
