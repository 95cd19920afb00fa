//! Sharding inputs over a fleet: `--shard K/N` keeps the inputs whose key hashes to K.
//!
//! The key is the lowercase host of the input's URL (so one site's pages, and its
//! politeness budget, stay on one machine), or the input as given when it has no URL.
//! The hash is the first 8 bytes of SHA-256, big-endian, mod N: stable across machines,
//! platforms and dehusk versions, unlike Rust's `DefaultHasher`.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

/// Shard K of N (0 <= K < N).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard's number, from 0.
    pub k: u64,
    /// The number of shards.
    pub n: u64,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("invalid shard {s:?}: expected K/N with 0 <= K < N, e.g. 0/4");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: u64 = k.trim().parse().map_err(|_| bad())?;
        let n: u64 = n.trim().parse().map_err(|_| bad())?;
        if n == 0 || k >= n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

/// The sharding key of an input: its URL's lowercase host, else the input itself.
pub fn key(input: &str) -> String {
    match url::Url::parse(input.trim()) {
        Ok(u) if u.host_str().is_some_and(|h| !h.is_empty()) => {
            u.host_str().unwrap_or_default().to_ascii_lowercase()
        }
        _ => input.to_string(),
    }
}

/// The shard (of `n`) that a key falls in.
pub fn shard_of(key: &str, n: u64) -> u64 {
    let digest = Sha256::digest(key.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first) % n.max(1)
}

impl Shard {
    /// True when the input (a URL, or a path when there is no URL) belongs to this shard.
    pub fn contains(&self, input: &str) -> bool {
        shard_of(&key(input), self.n) == self.k
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_validates() {
        assert_eq!("1/4".parse::<Shard>(), Ok(Shard { k: 1, n: 4 }));
        for bad in ["4/4", "0/0", "1", "-1/3", "a/b", "1/2/3", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn partitions_exactly_and_keeps_hosts_together() {
        let inputs: Vec<String> = (0..200)
            .map(|i| format!("https://Site{}.example/page/{i}", i % 37))
            .chain((0..20).map(|i| format!("pages/{i}.html")))
            .collect();
        let n = 5;
        let shards: Vec<Shard> = (0..n).map(|k| Shard { k, n }).collect();
        let mut sizes = vec![0; n as usize];
        for inp in &inputs {
            let hits: Vec<_> = shards.iter().filter(|s| s.contains(inp)).collect();
            assert_eq!(hits.len(), 1, "{inp} is in {} shards", hits.len());
            sizes[hits[0].k as usize] += 1;
        }
        assert!(sizes.iter().all(|&s| s > 0), "{sizes:?}");
        let a = Shard { k: 0, n: 7 };
        assert_eq!(
            shard_of(&key("https://news.example/a"), 7),
            shard_of(&key("http://NEWS.example:8080/b?c"), 7)
        );
        assert_eq!(
            a.contains("https://x.test/1"),
            a.contains("https://x.test/2")
        );
        // Pinned, so a change of hash (which would reshuffle a fleet) fails loudly.
        assert_eq!(shard_of("example.com", 1000), 309);
    }
}
