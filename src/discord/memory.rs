//! How the bot's process uses memory. glibc gives every thread that
//! allocates an arena of its own and keeps freed pages in them; with
//! tokio's workers and blocking threads each reading channel history,
//! that roughly doubles the resident size of a bot holding ten large
//! incidents. One arena, and handing freed pages back after a large
//! history read, keep it near what is really in use.
//!
//! Other C libraries have no such knobs: there these do nothing.

/// Limits the allocator to one arena; call before threads start.
pub fn one_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        /// glibc's `M_ARENA_MAX` parameter number.
        const M_ARENA_MAX: i32 = -8;
        unsafe extern "C" {
            fn mallopt(param: i32, value: i32) -> i32;
        }
        // SAFETY: mallopt only sets an allocator parameter; it is called
        // once, before the runtime starts any thread.
        unsafe {
            mallopt(M_ARENA_MAX, 1);
        }
    }
}

/// Returns freed pages to the system after a large read.
pub fn release() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: malloc_trim only releases free memory at the top of the
        // heap and in arenas; it touches no live allocation.
        unsafe {
            malloc_trim(0);
        }
    }
}
