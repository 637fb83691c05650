//! The times exports write, to milliseconds since the Unix epoch and back.
//!
//! Always UTC unless the text gives an offset: an export read in Paris and in Montréal gives the
//! same times (the triage page used `Date.parse`, which reads a time without a zone in the
//! browser's own zone).

/// What [`parse_time`] reads, for messages about a time it cannot.
pub const TIME_FORMATS: &str = "ISO 8601, RFC 2822, Twitter's format or Unix seconds";

/// Milliseconds since the epoch from the time formats exports use: Unix seconds or
/// milliseconds, ISO 8601 / RFC 3339 (`2017-10-31T21:45:10Z`, `2017-10-31 21:45:10+01:00`),
/// Twitter's `Tue Oct 31 21:45:10 +0000 2017` and RFC 2822 `Tue, 31 Oct 2017 21:45:10 +0000`.
///
/// ```
/// use sentinelle::ingest::parse_time;
/// assert_eq!(parse_time("2017-10-31T22:45:10+01:00"), Some(1509486310000.0));
/// assert_eq!(parse_time("1509486310"), parse_time("1509486310000"));
/// assert_eq!(parse_time("yesterday"), None);
/// ```
pub fn parse_time(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<f64>() {
        // Seconds until the year 5138; larger numbers are milliseconds. `inf` and `NaN` are not times.
        return n.is_finite().then_some(if n.abs() < 1e11 { n * 1000.0 } else { n });
    }
    let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let month = |m: &str| months.iter().position(|x| m.len() >= 3 && m.is_char_boundary(3) && x.eq_ignore_ascii_case(&m[..3])).map(|i| i as u32 + 1);
    let parts: Vec<&str> = s.split([' ', ',']).filter(|p| !p.is_empty()).collect();
    // Twitter: Tue Oct 31 21:45:10 +0000 2017
    if parts.len() == 6 && month(parts[1]).is_some() && parts[3].contains(':') {
        let (h, mi, se) = hms(parts[3])?;
        return epoch_ms(parts[5].parse().ok()?, month(parts[1])?, parts[2].parse().ok()?, h, mi, se, offset(parts[4])?);
    }
    // RFC 2822: Tue, 31 Oct 2017 21:45:10 +0000 (the weekday is optional)
    let p: &[&str] = if parts.len() == 6 { &parts[1..] } else { &parts };
    if p.len() == 5 && month(p[1]).is_some() {
        let (h, mi, se) = hms(p[3])?;
        let off = if p[4].eq_ignore_ascii_case("gmt") || p[4].eq_ignore_ascii_case("utc") { 0 } else { offset(p[4])? };
        return epoch_ms(p[2].parse().ok()?, month(p[1])?, p[0].parse().ok()?, h, mi, se, off);
    }
    // ISO 8601
    let (date, rest) = s.split_at(s.find(['T', ' ']).unwrap_or(s.len()));
    let mut d = date.split('-');
    let (y, m, dd) = (d.next()?.parse().ok()?, d.next()?.parse().ok()?, d.next()?.parse().ok()?);
    let rest = rest.trim_start_matches(['T', ' ']);
    if rest.is_empty() {
        return epoch_ms(y, m, dd, 0, 0, 0.0, 0);
    }
    let split = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (clock, zone) = rest.split_at(split);
    let (h, mi, se) = hms(clock.trim())?;
    let off = match zone.trim() {
        "" | "Z" | "z" => 0,
        z => offset(z)?,
    };
    epoch_ms(y, m, dd, h, mi, se, off)
}

/// `21:45:10`, `21:45`, `21:45:10.5` → hours, minutes, seconds.
fn hms(s: &str) -> Option<(u32, u32, f64)> {
    let mut it = s.split(':');
    let h = it.next()?.parse().ok()?;
    let m = it.next()?.parse().ok()?;
    let sec = it.next().map_or(Some(0.0), |x| x.parse().ok())?;
    (h < 24 && m < 60 && (0.0..61.0).contains(&sec)).then_some((h, m, sec))
}

/// `+0100`, `-05:30` → offset in minutes.
fn offset(s: &str) -> Option<i64> {
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = s[1..].chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() != 4 {
        return None;
    }
    let h: i64 = digits[..2].parse().ok()?;
    let m: i64 = digits[2..].parse().ok()?;
    Some(sign * (h * 60 + m))
}

/// Days from the civil date (Howard Hinnant's algorithm), then to ms, minus the zone offset.
/// Years are ISO 8601's four digits: a larger one is not a time (and overflowed the day count:
/// found by fuzzing the incident log).
fn epoch_ms(y: i64, m: u32, d: u32, h: u32, mi: u32, s: f64, offset_min: i64) -> Option<f64> {
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(0..=9999).contains(&y) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146097 + doe - 719468;
    Some(((days * 86400 + h as i64 * 3600 + mi as i64 * 60 - offset_min * 60) as f64 + s) * 1000.0)
}

/// Milliseconds since the epoch as ISO 8601 UTC to the second: `2017-10-31T21:45:10Z`.
pub fn iso(ms: f64) -> String {
    let secs = (ms / 1000.0).floor() as i64;
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400);
    // Inverse of epoch_ms's day count.
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_every_export_format() {
        let want = 1509486310000.0; // 2017-10-31T21:45:10Z
        for s in ["2017-10-31T21:45:10Z", "2017-10-31 21:45:10", "2017-10-31T22:45:10+01:00", "Tue Oct 31 21:45:10 +0000 2017", "Tue, 31 Oct 2017 21:45:10 +0000", "31 Oct 2017 21:45:10 GMT", "1509486310", "1509486310000"] {
            assert_eq!(parse_time(s), Some(want), "{s}");
        }
        assert_eq!(iso(want), "2017-10-31T21:45:10Z");
        for bad in ["", "yesterday", "2017-13-05T10:00:00Z", "2017-10-31T25:00:00Z", "Tue Oct 31 21:45:10 +00 2017", "inf", "NaN", "Tue aéé 31 21:45:10 +0000 2017", "200000000000000026-03-02T08:55:00.000Z", "10000-01-01"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }
}
