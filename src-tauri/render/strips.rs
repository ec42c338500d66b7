//! Encoders cut their output into strips coded side by side (PNG's deflate, JPEG's
//! restart intervals); this runs them.

/// `code(index)` for every index below `count`, each on its own thread, in order. A
/// strip whose thread panicked is `None`: the caller must not write a file without it.
pub(crate) fn code_each<T: Send>(count: usize, code: impl Fn(usize) -> T + Sync) -> Vec<Option<T>> {
    let code = &code;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..count)
            .map(|index| scope.spawn(move || code(index)))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().ok())
            .collect()
    })
}
