//! Compression of status lists: ZLIB (RFC 1950) for Token Status Lists and GZIP (RFC 1952) for
//! Bitstring Status Lists, with a decompression bomb guard on the way in.
//!
//! A status list is mostly zeros, so a few kilobytes from a stranger can inflate to gigabytes.
//! Every decoder here reads through [`Read::take`] with a caller-given cap one byte past the
//! limit, so it never buffers more than the cap, and refuses a stream that is truncated, fails
//! its checksum, or carries bytes after its end.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::bufread::{GzDecoder, ZlibDecoder};
use flate2::write::{GzEncoder, ZlibEncoder};

use super::StatusListError;

/// The largest decompressed status list avid accepts by default: 16 MiB, room for 16,777,216
/// statuses of 8 bits or 134,217,728 of 1 bit — beyond any list a real issuer publishes.
pub const MAX_DECOMPRESSED_BYTES: usize = 16 * 1024 * 1024;

/// The container format of a compressed status list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Container {
    /// DEFLATE in the ZLIB format (Token Status List §4.1 step 4).
    Zlib,
    /// DEFLATE in the GZIP format (Bitstring Status List §3.3).
    Gzip,
}

impl Container {
    fn name(self) -> &'static str {
        match self {
            Container::Zlib => "ZLIB",
            Container::Gzip => "GZIP",
        }
    }
}

/// Compresses `bytes` at the highest level (Token Status List §4.1 step 4 recommends it; for
/// GZIP it is simply the smallest list to serve).
pub(crate) fn compress(container: Container, bytes: &[u8]) -> Result<Vec<u8>, StatusListError> {
    let compressed = match container {
        Container::Zlib => {
            let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
            encoder.write_all(bytes).and_then(|()| encoder.finish())
        }
        Container::Gzip => {
            let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
            encoder.write_all(bytes).and_then(|()| encoder.finish())
        }
    };
    compressed.map_err(|err| StatusListError::Compression(err.to_string()))
}

/// Decompresses `compressed`, refusing output over `max_bytes`, a truncated or corrupt stream,
/// and trailing bytes after the end of the stream.
pub(crate) fn decompress(
    container: Container,
    compressed: &[u8],
    max_bytes: usize,
) -> Result<Vec<u8>, StatusListError> {
    match container {
        Container::Zlib => {
            let mut decoder = ZlibDecoder::new(compressed);
            let out = read_bounded(&mut decoder, container, max_bytes)?;
            refuse_trailing(decoder.into_inner(), container)?;
            Ok(out)
        }
        Container::Gzip => {
            let mut decoder = GzDecoder::new(compressed);
            let out = read_bounded(&mut decoder, container, max_bytes)?;
            refuse_trailing(decoder.into_inner(), container)?;
            Ok(out)
        }
    }
}

/// Reads at most `max_bytes + 1` bytes: one byte past the limit proves the stream is too large
/// without ever holding more than that.
fn read_bounded(
    decoder: &mut impl Read,
    container: Container,
    max_bytes: usize,
) -> Result<Vec<u8>, StatusListError> {
    let cap = u64::try_from(max_bytes)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut out = Vec::new();
    decoder
        .take(cap)
        .read_to_end(&mut out)
        .map_err(|err| StatusListError::Decompression {
            container: container.name(),
            reason: err.to_string(),
        })?;
    if out.len() > max_bytes {
        return Err(StatusListError::DecompressedTooLarge { max: max_bytes });
    }
    Ok(out)
}

/// A compressed list is one stream; bytes after it are either an attack on a lenient parser
/// or a broken publisher, and neither is a list to rely on.
fn refuse_trailing(rest: &[u8], container: Container) -> Result<(), StatusListError> {
    if rest.is_empty() {
        Ok(())
    } else {
        Err(StatusListError::Decompression {
            container: container.name(),
            reason: format!("{} bytes follow the end of the stream", rest.len()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_both_containers() {
        let bytes: Vec<u8> = (0..=255).cycle().take(10_000).collect();
        for container in [Container::Zlib, Container::Gzip] {
            let compressed = compress(container, &bytes).expect("compresses");
            assert_eq!(
                decompress(container, &compressed, bytes.len()).expect("inflates"),
                bytes
            );
        }
    }

    #[test]
    fn rejects_decompression_bomb() {
        // 64 MiB of zeros compress to about 64 KiB: far past the limit, refused after reading
        // one byte past it.
        let bomb = compress(Container::Zlib, &vec![0; 4 * MAX_DECOMPRESSED_BYTES]).expect("ok");
        assert!(bomb.len() < 128 * 1024);
        assert_eq!(
            decompress(Container::Zlib, &bomb, MAX_DECOMPRESSED_BYTES),
            Err(StatusListError::DecompressedTooLarge {
                max: MAX_DECOMPRESSED_BYTES
            })
        );
    }

    #[test]
    fn accepts_exactly_the_limit() {
        let compressed = compress(Container::Gzip, &[0; 1000]).expect("ok");
        assert!(decompress(Container::Gzip, &compressed, 1000).is_ok());
        assert_eq!(
            decompress(Container::Gzip, &compressed, 999),
            Err(StatusListError::DecompressedTooLarge { max: 999 })
        );
    }

    #[test]
    fn rejects_truncated_stream() {
        for container in [Container::Zlib, Container::Gzip] {
            let compressed = compress(container, &[0xA5; 4096]).expect("ok");
            for cut in [1, 4, compressed.len() / 2] {
                let truncated = compressed.get(..compressed.len() - cut).expect("in range");
                assert!(matches!(
                    decompress(container, truncated, MAX_DECOMPRESSED_BYTES),
                    Err(StatusListError::Decompression { .. })
                ));
            }
        }
    }

    #[test]
    fn rejects_trailing_bytes() {
        for container in [Container::Zlib, Container::Gzip] {
            let mut compressed = compress(container, &[1, 2, 3]).expect("ok");
            compressed.extend_from_slice(b"junk");
            assert!(matches!(
                decompress(container, &compressed, MAX_DECOMPRESSED_BYTES),
                Err(StatusListError::Decompression { .. })
            ));
        }
    }

    #[test]
    fn rejects_wrong_container() {
        let gzip = compress(Container::Gzip, &[0; 16]).expect("ok");
        assert!(matches!(
            decompress(Container::Zlib, &gzip, MAX_DECOMPRESSED_BYTES),
            Err(StatusListError::Decompression { .. })
        ));
    }
}
