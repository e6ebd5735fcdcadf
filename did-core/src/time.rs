//! Time as credentials and DID documents write it: JWT NumericDate (RFC 7519 §2) and the XML Schema
//! `dateTimeStamp` of VCDM 2.0's `validFrom`/`validUntil`, both read into Unix seconds, and the
//! clock a verification runs against.
//!
//! Everything here is arithmetic on integers: no time zone database and no dependency, so a
//! verifier given `now` is a pure function of its input.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

/// The current Unix time in seconds, from the system clock (0 if the clock is before 1970).
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// A JWT NumericDate (RFC 7519 §2): "a JSON numeric value representing the number of seconds
/// from 1970-01-01T00:00:00Z UTC", which may be fractional. Fractions are cut to the second
/// below. `None` for anything else: a string, a negative or non-finite number.
pub fn numeric_date(value: &Value) -> Option<u64> {
    let Value::Number(number) = value else {
        return None;
    };
    if let Some(seconds) = number.as_u64() {
        return Some(seconds);
    }
    let seconds = number.as_f64()?;
    // `as` saturates; the range check keeps out negatives, NaN and infinities.
    (seconds.is_finite() && (0.0..1.0e18).contains(&seconds)).then_some(seconds as u64)
}

/// The clock of one verification: the instant it runs at and the skew it tolerates between the
/// verifier's clock and the issuer's or holder's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// The current Unix time, in seconds.
    pub now: u64,
    /// How far the other party's clock may be off, in seconds.
    pub skew: u64,
}

impl Clock {
    /// A clock at `now` (the system clock when `None`) with `skew` of tolerance.
    pub fn new(now: Option<u64>, skew: Duration) -> Self {
        Self {
            now: now.unwrap_or_else(unix_now),
            skew: skew.as_secs(),
        }
    }

    /// RFC 7519 §4.1.4: the token "MUST NOT be accepted for processing" on or after `exp`.
    pub fn has_expired(&self, exp: u64) -> bool {
        self.now >= exp.saturating_add(self.skew)
    }

    /// RFC 7519 §4.1.5: the token "MUST NOT be accepted for processing" before `nbf`; an
    /// issuance time in the future means the same.
    pub fn is_before(&self, nbf: u64) -> bool {
        self.now.saturating_add(self.skew) < nbf
    }

    /// Whether a statement made at `iat` is older than `max_age` (skew included).
    pub fn is_older_than(&self, iat: u64, max_age: Duration) -> bool {
        self.now
            > iat
                .saturating_add(max_age.as_secs())
                .saturating_add(self.skew)
    }
}

/// Reads an XML Schema 1.1 `dateTime` (`YYYY-MM-DDThh:mm:ss[.f+][Z|±hh:mm]`) into Unix seconds,
/// fractions cut. VCDM 2.0 §4.9 requires a `dateTimeStamp` (with offset) for `validFrom` and
/// `validUntil`, and says a value "incorrectly serialized without an offset MUST be
/// interpreted as UTC", which is what happens here. Years are the four-digit years 0001–9999;
/// `24:00:00` is the end of the day (XML Schema 1.1 §3.3.7).
pub fn parse_date_time(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let digits = |from: usize, len: usize| -> Option<i64> {
        let part = bytes.get(from..from + len)?;
        part.iter().try_fold(0i64, |acc, b| {
            b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0'))
        })
    };
    let separator = |at: usize, expected: u8| bytes.get(at) == Some(&expected);
    let layout = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if !layout.iter().all(|&(at, expected)| separator(at, expected)) {
        return None;
    }
    let (year, month, day) = (digits(0, 4)?, digits(5, 2)?, digits(8, 2)?);
    let (hour, minute, second) = (digits(11, 2)?, digits(14, 2)?, digits(17, 2)?);
    let mut rest = bytes.get(19..)?;
    if let Some((b'.', fraction)) = rest.split_first() {
        let count = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if count == 0 {
            return None;
        }
        rest = fraction.get(count..)?;
    }
    let offset = match rest {
        [] | [b'Z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let two = |a: u8, b: u8| -> Option<i64> {
                (a.is_ascii_digit() && b.is_ascii_digit())
                    .then(|| i64::from(a - b'0') * 10 + i64::from(b - b'0'))
            };
            let (hours, minutes) = (two(*h1, *h2)?, two(*m1, *m2)?);
            // XML Schema 1.1 §3.3.7: offsets within ±14:00.
            if hours > 14 || minutes > 59 || (hours == 14 && minutes != 0) {
                return None;
            }
            let offset = hours * 3600 + minutes * 60;
            if *sign == b'-' { -offset } else { offset }
        }
        _ => return None,
    };
    let end_of_day = hour == 24 && minute == 0 && second == 0;
    if year == 0
        || !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || (hour > 23 && !end_of_day)
        || minute > 59
        || second > 59
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Reads an XML Schema 1.1 `dateTimeStamp` (§3.4.28): a [`parse_date_time`] whose time zone
/// is required. The W3C Bitstring Status List credential's `validFrom` and `validUntil` are
/// read this way, with no leniency.
pub fn parse_date_time_stamp(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let has_offset = bytes.last() == Some(&b'Z')
        || (bytes.len() >= 6
            && matches!(bytes[bytes.len() - 6], b'+' | b'-')
            && bytes[bytes.len() - 3] == b':');
    if has_offset {
        parse_date_time(text)
    } else {
        None
    }
}

/// Writes Unix seconds as an XML Schema `dateTimeStamp` in UTC, `YYYY-MM-DDThh:mm:ssZ`, the
/// form VCDM 2.0's examples use; `None` outside the years 0001–9999.
pub fn format_date_time(unix: i64) -> Option<String> {
    let (days, time) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    (1..=9999).contains(&year).then(|| {
        format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            time / 3600,
            time % 3600 / 60,
            time % 60
        )
    })
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date, counting in 400-year eras of 146 097
/// days with the year starting in March so that the leap day comes last.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_numeric_dates() {
        assert_eq!(numeric_date(&json!(1683000000)), Some(1683000000));
        assert_eq!(numeric_date(&json!(1683000000.75)), Some(1683000000));
        assert_eq!(numeric_date(&json!(0)), Some(0));
    }

    #[test]
    fn rejects_numeric_date_of_wrong_type() {
        for value in [
            json!("1683000000"),
            json!(-1),
            json!(-0.5),
            json!(null),
            json!(true),
            json!([1]),
            json!(1e300),
        ] {
            assert_eq!(numeric_date(&value), None, "{value}");
        }
    }

    #[test]
    fn clock_applies_skew_both_ways() {
        let clock = Clock::new(Some(1000), Duration::from_secs(60));
        assert!(!clock.has_expired(1000 - 59));
        assert!(clock.has_expired(1000 - 60));
        assert!(!clock.is_before(1060));
        assert!(clock.is_before(1061));
        assert!(!clock.is_older_than(1000 - 300 - 60, Duration::from_secs(300)));
        assert!(clock.is_older_than(1000 - 300 - 61, Duration::from_secs(300)));
        let exact = Clock::new(Some(u64::MAX), Duration::from_secs(u64::MAX));
        assert!(!exact.is_before(u64::MAX));
    }

    #[test]
    fn reads_date_time_stamps() {
        assert_eq!(parse_date_time("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_date_time("2010-01-01T19:23:24Z"), Some(1262373804));
        assert_eq!(
            parse_date_time("2010-01-01T19:23:24.123Z"),
            Some(1262373804)
        );
        assert_eq!(
            parse_date_time("2010-01-01T21:23:24+02:00"),
            Some(1262373804)
        );
        assert_eq!(
            parse_date_time("2010-01-01T17:23:24-02:00"),
            Some(1262373804)
        );
        // VCDM 2.0 §4.9: no offset means UTC.
        assert_eq!(parse_date_time("2010-01-01T19:23:24"), Some(1262373804));
        assert_eq!(parse_date_time("2024-02-29T00:00:00Z"), Some(1709164800));
        assert_eq!(parse_date_time("2023-12-31T24:00:00Z"), Some(1704067200));
        assert_eq!(parse_date_time("1969-12-31T23:59:59Z"), Some(-1));
    }

    #[test]
    fn rejects_malformed_date_times() {
        for text in [
            "",
            "2010-01-01",
            "2010-01-01 19:23:24Z",
            "2010-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2010-01-32T00:00:00Z",
            "2010-01-01T24:00:01Z",
            "2010-01-01T23:60:00Z",
            "2010-01-01T23:59:60Z",
            "2010-01-01T00:00:00.Z",
            "2010-01-01T00:00:00+15:00",
            "2010-01-01T00:00:00+0200",
            "2010-01-01T00:00:00z",
            "0000-01-01T00:00:00Z",
            "+2010-01-01T00:00:00Z",
            "2010-01-01T00:00:00Zjunk",
            "２０１０-01-01T00:00:00Z",
        ] {
            assert_eq!(parse_date_time(text), None, "{text}");
        }
    }

    #[test]
    fn formats_and_reads_back() {
        for unix in [
            0,
            -1,
            951_782_400,
            1262373804,
            1709164800,
            4102444799,
            -62_135_596_800,
            253402300799,
        ] {
            let text = format_date_time(unix).expect("in range");
            assert_eq!(parse_date_time(&text), Some(unix), "{text}");
            assert_eq!(parse_date_time_stamp(&text), Some(unix), "{text}");
        }
        assert_eq!(
            format_date_time(1262373804).as_deref(),
            Some("2010-01-01T19:23:24Z")
        );
        assert_eq!(format_date_time(-62_135_596_801), None);
        assert_eq!(format_date_time(253_402_300_800), None);
    }

    #[test]
    fn date_time_stamps_need_a_time_zone() {
        // Bitstring Status List v1.0 §2.2, Example 3's `validFrom`.
        assert_eq!(
            parse_date_time_stamp("2021-04-05T14:27:40Z"),
            Some(1_617_632_860)
        );
        assert_eq!(
            parse_date_time_stamp("2021-04-05T16:27:40+02:00"),
            Some(1_617_632_860)
        );
        assert_eq!(
            parse_date_time_stamp("9999-12-31T23:59:59-14:00"),
            Some(253_402_351_199)
        );
        for text in [
            "2021-04-05T14:27:40",
            "2021-04-05T14:27:40+0200",
            "2021-04-05T14:27:40z",
        ] {
            assert_eq!(parse_date_time_stamp(text), None, "{text}");
        }
    }
}
