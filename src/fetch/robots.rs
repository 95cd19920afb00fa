//! robots.txt rules for one origin.

use std::time::Duration;

use texting_robots::Robot;

/// What robots.txt says about one origin.
#[derive(Debug)]
pub enum Rules {
    /// No robots.txt (4xx), unreadable, or robots are ignored: everything is allowed.
    AllowAll,
    /// robots.txt could not be had because the server failed (5xx); RFC 9309 says to
    /// assume complete disallow. Holds the reason.
    DisallowAll(String),
    /// Parsed rules.
    Parsed(Box<Robot>),
}

impl Rules {
    /// Parses a robots.txt body for `agent` (the User-Agent's product token).
    pub fn parse(agent: &str, body: &[u8]) -> Rules {
        match Robot::new(agent, body) {
            Ok(r) => Rules::Parsed(Box::new(r)),
            Err(e) => {
                tracing::debug!("unparseable robots.txt, allowing all: {e}");
                Rules::AllowAll
            }
        }
    }

    /// `Ok(())` when `url` may be fetched, else why not.
    pub fn check(&self, url: &str) -> Result<(), String> {
        match self {
            Rules::AllowAll => Ok(()),
            Rules::DisallowAll(why) => Err(why.clone()),
            Rules::Parsed(r) if r.allowed(url) => Ok(()),
            Rules::Parsed(_) => Err("disallowed by robots.txt".to_string()),
        }
    }

    /// The Crawl-delay, when robots.txt gives one for our agent.
    pub fn crawl_delay(&self) -> Option<Duration> {
        match self {
            Rules::Parsed(r) => r
                .delay
                .filter(|d| d.is_finite() && *d > 0.0)
                .map(|d| Duration::from_secs_f64(d as f64)),
            _ => None,
        }
    }
}

/// The robots.txt agent name: the User-Agent's first product token, without version.
pub fn agent_token(user_agent: &str) -> &str {
    let first = user_agent.split_whitespace().next().unwrap_or("dehusk");
    first
        .split('/')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or("dehusk")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_obeyed() {
        let r = Rules::parse(
            "dehusk",
            b"User-agent: *\nDisallow: /private\nCrawl-delay: 2\n",
        );
        assert!(r.check("http://h.test/public").is_ok());
        assert!(r.check("http://h.test/private/x").is_err());
        assert_eq!(r.crawl_delay(), Some(Duration::from_secs(2)));
        assert_eq!(agent_token("dehusk/0.1.0 (bot)"), "dehusk");
    }
}
