//! The `xsd:dateTimeStamp` values of VCDM 2.0 (`validFrom`, `validUntil`) as Unix time, read
//! strictly — `YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm)`, the time zone required — and written
//! in UTC.

/// Seconds since the Unix epoch for an `xsd:dateTimeStamp` (XML Schema 1.1 Part 2 §3.4.28,
/// which VCDM 2.0 §4.9 requires for `validFrom` and `validUntil`), fractions of a second
/// dropped. `None` for anything else, including a missing time zone, `24:00:00`, leap seconds
/// and years outside 0001–9999.
pub(crate) fn parse_date_time_stamp(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let date_time = bytes.get(..19)?;
    let year = digits(date_time, 0, 4)?;
    let month = digits(date_time, 5, 2)?;
    let day = digits(date_time, 8, 2)?;
    let hour = digits(date_time, 11, 2)?;
    let minute = digits(date_time, 14, 2)?;
    let second = digits(date_time, 17, 2)?;
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if separators
        .iter()
        .any(|(at, expected)| date_time.get(*at) != Some(expected))
    {
        return None;
    }
    if year == 0
        || !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let mut rest = bytes.get(19..)?;
    if let Some(fraction) = rest.strip_prefix(b".") {
        let len = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if len == 0 {
            return None;
        }
        rest = fraction.get(len..)?;
    }
    let offset = match rest {
        b"Z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hours = digits(&[*h1, *h2], 0, 2)?;
            let minutes = digits(&[*m1, *m2], 0, 2)?;
            // XSD: the offset is at most 14:00.
            if minutes > 59 || hours * 60 + minutes > 14 * 60 {
                return None;
            }
            let offset = i64::from(hours * 3600 + minutes * 60);
            if *sign == b'+' { offset } else { -offset }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let local = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    Some(local - offset)
}

/// `secs` as an `xsd:dateTimeStamp` in UTC, `YYYY-MM-DDThh:mm:ssZ`; `None` outside the years
/// 0001–9999.
pub(crate) fn format_date_time_stamp(secs: i64) -> Option<String> {
    let days = secs.div_euclid(86_400);
    let second_of_day = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    if !(1..=9999).contains(&year) {
        return None;
    }
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    ))
}

/// The number in `len` ASCII digits at `at`.
fn digits(bytes: &[u8], at: usize, len: usize) -> Option<u32> {
    let field = bytes.get(at..at + len)?;
    field.iter().try_fold(0u32, |value, byte| {
        byte.is_ascii_digit()
            .then(|| value * 10 + u32::from(byte - b'0'))
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (the well-known
/// era-based algorithm: 400-year eras of 146,097 days, March-based years).
fn days_from_civil(year: u32, month: u32, day: u32) -> i64 {
    let year = i64::from(year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of the proleptic Gregorian calendar `days` after 1970-01-01; the inverse of
/// [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_utc_and_offsets() {
        assert_eq!(parse_date_time_stamp("1970-01-01T00:00:00Z"), Some(0));
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
            parse_date_time_stamp("2021-04-05T14:27:40.999Z"),
            Some(1_617_632_860)
        );
        assert_eq!(
            parse_date_time_stamp("2000-02-29T00:00:00Z"),
            Some(951_782_400)
        );
        assert_eq!(parse_date_time_stamp("1969-12-31T23:59:59Z"), Some(-1));
        assert_eq!(
            parse_date_time_stamp("9999-12-31T23:59:59-14:00"),
            Some(253_402_351_199)
        );
    }

    #[test]
    fn formats_in_utc_and_reads_back() {
        assert_eq!(
            format_date_time_stamp(1_617_632_860).as_deref(),
            Some("2021-04-05T14:27:40Z")
        );
        assert_eq!(
            format_date_time_stamp(-1).as_deref(),
            Some("1969-12-31T23:59:59Z")
        );
        for secs in [
            0,
            951_782_400,
            4_102_444_799,
            -62_135_596_800,
            253_402_300_799,
        ] {
            let text = format_date_time_stamp(secs).expect("in range");
            assert_eq!(parse_date_time_stamp(&text), Some(secs), "{text}");
        }
        assert_eq!(format_date_time_stamp(-62_135_596_801), None);
        assert_eq!(format_date_time_stamp(253_402_300_800), None);
    }

    #[test]
    fn rejects_what_is_not_a_date_time_stamp() {
        for text in [
            "",
            "2021-04-05",
            "2021-04-05T14:27:40",
            "2021-04-05 14:27:40Z",
            "2021-04-05t14:27:40Z",
            "2021-04-05T14:27:40z",
            "2021-13-05T14:27:40Z",
            "2021-02-29T14:27:40Z",
            "1900-02-29T00:00:00Z",
            "2021-04-31T14:27:40Z",
            "2021-04-05T24:00:00Z",
            "2021-04-05T14:60:40Z",
            "2021-04-05T14:27:60Z",
            "2021-04-05T14:27:40.Z",
            "2021-04-05T14:27:40+0200",
            "2021-04-05T14:27:40+14:01",
            "2021-04-05T14:27:40+02:60",
            "0000-01-01T00:00:00Z",
            "+2021-04-05T14:27:40Z",
            "2021-04-05T14:27:40ZZ",
            "２０２１-04-05T14:27:40Z",
        ] {
            assert_eq!(parse_date_time_stamp(text), None, "{text}");
        }
    }
}
