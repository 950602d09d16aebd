//! `[check.external]` in site.toml: how `medsite check --external` fetches
//! and how long it trusts what it fetched. Whole numbers only, each with
//! its unit in its name, so that a value reads the same in every site.

use serde::Deserialize;

/// `[check.external]`; every key may be left out.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// How long a URL that answered well is not fetched again; 0 fetches
    /// every URL on every run. Failures are fetched again on every run.
    pub cache_hours: u64,
    /// How long one request may take before it counts as a timeout.
    pub timeout_seconds: u64,
    /// How many times a timeout, a 429 or a 5xx answer is tried again.
    pub retries: u64,
    /// The first wait before trying again, doubled at each retry; a
    /// `Retry-After` header makes the next request to that host wait longer.
    pub retry_wait_seconds: u64,
    /// Requests in flight to one host at most.
    pub concurrency_per_host: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            cache_hours: 24,
            timeout_seconds: 20,
            retries: 3,
            retry_wait_seconds: 1,
            concurrency_per_host: 4,
        }
    }
}

impl Settings {
    /// Values out of their range, as `(key, message)` for the caller to
    /// place at the key in site.toml.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let limits: [(&'static str, u64, u64, u64, &str); 5] = [
            ("cache_hours", self.cache_hours, 0, 24 * 366, "hours"),
            ("timeout_seconds", self.timeout_seconds, 1, 600, "seconds"),
            ("retries", self.retries, 0, 10, "retries"),
            (
                "retry_wait_seconds",
                self.retry_wait_seconds,
                0,
                60,
                "seconds",
            ),
            (
                "concurrency_per_host",
                self.concurrency_per_host,
                1,
                64,
                "requests",
            ),
        ];
        limits
            .into_iter()
            .filter(|(_, value, low, high, _)| !(*low..=*high).contains(value))
            .map(|(key, value, low, high, unit)| {
                (
                    key,
                    format!(
                        "`[check.external] {key}` is {value}: it must be a whole number of {unit} from {low} to {high}"
                    ),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_in_range_and_zero_timeout_is_not() {
        assert_eq!(Settings::default().problems(), []);
        let settings = Settings {
            timeout_seconds: 0,
            ..Settings::default()
        };
        assert_eq!(
            settings.problems(),
            [(
                "timeout_seconds",
                "`[check.external] timeout_seconds` is 0: it must be a whole number of seconds from 1 to 600".to_string()
            )]
        );
    }
}
