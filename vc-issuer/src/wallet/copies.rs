//! Which copy of a batch-issued credential goes to which world: each copy carries its own holder
//! key and issuer signature, so two worlds that each saw a different copy cannot link the holder
//! by them. The rule keeps copies apart as long as it can.

/// The copy to present to `client_id`, among copies each with the worlds (`client_id`s) it
/// was already shown to; `None` when there is no copy.
///
/// 1. A copy this world already saw: showing it again tells the world nothing new.
/// 2. Otherwise the copy seen by the fewest worlds, the first of them: an unused copy while
///    there is one, and once every copy is used, none linking more worlds than it must.
pub fn choose_copy(used_by: &[Vec<String>], client_id: &str) -> Option<usize> {
    if let Some(seen) = used_by
        .iter()
        .position(|worlds| worlds.iter().any(|world| world == client_id))
    {
        return Some(seen);
    }
    used_by
        .iter()
        .enumerate()
        .min_by_key(|(_, worlds)| worlds.len())
        .map(|(index, _)| index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worlds(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn rejects_linking_two_worlds_while_a_copy_is_unused() {
        let used = vec![worlds(&["world-a"]), worlds(&[]), worlds(&[])];
        assert_eq!(choose_copy(&used, "world-b"), Some(1));
        let used = vec![worlds(&["world-a"]), worlds(&["world-b"]), worlds(&[])];
        assert_eq!(choose_copy(&used, "world-c"), Some(2));
    }

    #[test]
    fn gives_a_world_the_copy_it_already_saw() {
        let used = vec![worlds(&["world-a"]), worlds(&["world-b"]), worlds(&[])];
        assert_eq!(choose_copy(&used, "world-b"), Some(1));
    }

    #[test]
    fn spreads_worlds_over_copies_once_all_are_used() {
        let used = vec![worlds(&["a", "b"]), worlds(&["c"])];
        assert_eq!(choose_copy(&used, "d"), Some(1));
        assert_eq!(choose_copy(&[], "d"), None);
    }
}
