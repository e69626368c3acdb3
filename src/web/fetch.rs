//! Fetching a page that a moderator pasted, without letting the bot be
//! turned against its own network or tied up.
//!
//! Guards, all enforced here: http/https only, no credentials in the URL;
//! the host is resolved by this module and every address it resolves to is
//! checked (loopback, private, link-local, CGNAT, multicast, documentation,
//! unspecified, IPv6 unique-local and mapped addresses are refused unless
//! the [`FetchConfig`] allow-list names them), and the connection is pinned
//! to the checked address (the HTTP client has no resolver of its own);
//! redirects are followed by hand, at most [`FetchConfig::max_redirects`],
//! with the same checks on every hop; one time limit for the whole fetch; the
//! body is streamed and cut off at [`FetchConfig::max_bytes`]; only HTML and
//! plain text are read ([`Accept::Pages`]), or for news feeds XML, JSON and
//! HTML ([`Accept::Feeds`]), with a conditional GET ([`fetch_conditional`]:
//! `If-None-Match`/`If-Modified-Since`, a 304 reads no body).
//!
//! It must not know the corpus or the index: it returns bytes ([`Page`]) or
//! an [`Extracted`] article.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use ipnet::IpNet;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, LOCATION};

use super::extract::{extract_in, extract_text, ExtractError, Extracted};
use super::slots;

/// Limits and the allow-list of a fetch.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Time limit for the whole fetch, redirects and body included.
    pub timeout: Duration,
    /// Largest body read, in bytes.
    pub max_bytes: u64,
    /// Most redirects followed.
    pub max_redirects: usize,
    /// Address ranges that may be fetched although they are not public
    /// (tests serve from `127.0.0.1/32`). Empty in production.
    pub allow_networks: Vec<IpNet>,
    /// Host names whose addresses are not checked (exact, lower case).
    /// Empty in production.
    pub allow_hosts: Vec<String>,
    /// Time limit for extracting the article once the page is in.
    pub extract_timeout: Duration,
    /// The `User-Agent` header.
    pub user_agent: String,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            timeout: Duration::from_secs(10),
            max_bytes: 5 * 1024 * 1024,
            max_redirects: 5,
            allow_networks: Vec::new(),
            allow_hosts: Vec::new(),
            extract_timeout: Duration::from_secs(20),
            user_agent: user_agent(None),
        }
    }
}

/// The `User-Agent`: Parley, its version, and where to read about it (the
/// package's repository when it names one), plus the operator's contact
/// (`PARLEY_CONTACT`, a URL or e-mail) when a deployment gives one, so a
/// site can tell who is fetching and reach them.
pub fn user_agent(contact: Option<&str>) -> String {
    let mut about = vec!["+news corpus bot".to_owned()];
    let repo = env!("CARGO_PKG_REPOSITORY");
    if !repo.is_empty() {
        about.push(repo.to_owned());
    }
    if let Some(c) = contact.map(str::trim).filter(|c| !c.is_empty()) {
        // One header line: printable ASCII only, bounded.
        let c: String = c.chars().filter(|ch| ch.is_ascii_graphic() || *ch == ' ').take(200).collect();
        about.push(format!("contact {c}"));
    }
    format!("Parley/{} ({})", env!("CARGO_PKG_VERSION"), about.join("; "))
}

impl FetchConfig {
    /// The default limits, allowing these extra networks (for tests and
    /// private deployments).
    pub fn allowing(networks: &[IpNet]) -> FetchConfig {
        FetchConfig { allow_networks: networks.to_vec(), ..FetchConfig::default() }
    }
}

/// An allow-list setting that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is neither an address range (127.0.0.1/32, 10.0.0.0/8, ::1) nor a host name")]
pub struct BadAllowEntry(pub String);

impl FetchConfig {
    /// The environment variable a deployment (or a test of the binary) may
    /// set to an allow-list: see [`FetchConfig::with_allow_list`].
    pub const ALLOW_ENV: &'static str = "PARLEY_FETCH_ALLOW";

    /// The environment variable naming the operator's contact (a URL or an
    /// e-mail address) that the `User-Agent` carries.
    pub const CONTACT_ENV: &'static str = "PARLEY_CONTACT";
    /// The environment variable setting the time limit of one fetch, in
    /// seconds (1–120; tests use a short one for a slow server).
    pub const TIMEOUT_ENV: &'static str = "PARLEY_FETCH_TIMEOUT";

    /// The default limits with what the environment sets: the allow-list
    /// ([`FetchConfig::ALLOW_ENV`]), the contact ([`FetchConfig::CONTACT_ENV`])
    /// and the time limit ([`FetchConfig::TIMEOUT_ENV`]). The error names
    /// the variable.
    pub fn from_env() -> Result<FetchConfig, String> {
        let var = |name: &str| std::env::var(name).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let mut cfg = FetchConfig::default();
        if let Some(spec) = var(Self::ALLOW_ENV) {
            cfg = cfg.with_allow_list(&spec).map_err(|e| format!("{}: {e}", Self::ALLOW_ENV))?;
        }
        if let Some(contact) = var(Self::CONTACT_ENV) {
            cfg.user_agent = user_agent(Some(&contact));
        }
        if let Some(t) = var(Self::TIMEOUT_ENV) {
            let secs: u64 = t
                .parse()
                .ok()
                .filter(|s| (1..=120).contains(s))
                .ok_or_else(|| format!("{}: {t:?} is not a number of seconds from 1 to 120", Self::TIMEOUT_ENV))?;
            cfg.timeout = Duration::from_secs(secs);
        }
        Ok(cfg)
    }

    /// Adds an allow-list setting: entries separated by commas or spaces,
    /// each an address range (`127.0.0.1/32`), a bare address (`::1`) or a
    /// host name (`intranet.example`).
    pub fn with_allow_list(mut self, spec: &str) -> Result<FetchConfig, BadAllowEntry> {
        for entry in spec.split([',', ' ', '\n', '\t']).map(str::trim).filter(|e| !e.is_empty()) {
            if let Ok(net) = entry.parse::<IpNet>() {
                self.allow_networks.push(net);
            } else if let Ok(ip) = entry.parse::<IpAddr>() {
                self.allow_networks.push(IpNet::from(ip));
            } else if !entry.contains('/')
                && entry.len() <= 253
                && entry.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            {
                self.allow_hosts.push(entry.to_ascii_lowercase());
            } else {
                return Err(BadAllowEntry(entry.to_owned()));
            }
        }
        Ok(self)
    }
}

/// Why a page was not fetched. Every message is one line that starts with
/// the reason.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("not a web address: {0:?}")]
    BadUrl(String),
    #[error("not allowed: {url}: {reason}")]
    NotAllowed { url: String, reason: String },
    #[error("not found: {url} ({reason})")]
    NotFound { url: String, reason: String },
    #[error("too large: {url} is over the {limit}-byte limit")]
    TooLarge { url: String, limit: u64 },
    #[error("not an article: {url} is {content_type}, not HTML or plain text")]
    WrongType { url: String, content_type: String },
    #[error("{0}")]
    NotAnArticle(#[from] ExtractError),
    #[error("timed out: {url} took longer than {secs} s")]
    TimedOut { url: String, secs: u64 },
    #[error("not allowed: {url}: more than {limit} redirects")]
    TooManyRedirects { url: String, limit: usize },
    #[error("not fetched: {url} answered HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("not fetched: {url}: {reason}")]
    Network { url: String, reason: String },
}

/// A fetched page: where it ended up and what it said.
#[derive(Debug, Clone)]
pub struct Page {
    /// The URL of the last hop.
    pub url: String,
    /// The media type, lower case, without parameters (`text/html`).
    pub media_type: String,
    /// The charset the server declared, if any.
    pub charset: Option<String>,
    pub body: Vec<u8>,
    /// The validators the server sent, for the next conditional request.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Every redirect on the way was permanent (301, 308) and there was at
    /// least one: the address has moved for good.
    pub moved_permanently: bool,
}

/// Which media types a fetch reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Accept {
    /// HTML and plain text (articles).
    #[default]
    Pages,
    /// News feeds: any XML or JSON type, plus HTML (a page that links its
    /// feed) and plain text (feeds served carelessly).
    Feeds,
}

impl Accept {
    fn header(self) -> &'static str {
        match self {
            Accept::Pages => "text/html,application/xhtml+xml,text/plain;q=0.9",
            Accept::Feeds => "application/rss+xml,application/atom+xml,application/feed+json,application/rdf+xml,application/xml;q=0.9,text/xml;q=0.9,application/json;q=0.8,text/html;q=0.5,*/*;q=0.1",
        }
    }

    fn reads(self, media_type: &str) -> bool {
        let page = matches!(media_type, "text/html" | "application/xhtml+xml" | "text/plain");
        match self {
            Accept::Pages => page,
            Accept::Feeds => {
                page || media_type.ends_with("/xml")
                    || media_type.ends_with("+xml")
                    || media_type.ends_with("/json")
                    || media_type.ends_with("+json")
            }
        }
    }
}

/// A conditional request: what the last answer said about the resource.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// The answer to a conditional request.
#[derive(Debug, Clone)]
pub enum Conditional {
    /// 304: nothing changed since the validators; no body was read.
    NotModified {
        url: String,
        moved_permanently: bool,
    },
    Fetched(Page),
}

impl Page {
    pub fn is_html(&self) -> bool {
        matches!(self.media_type.as_str(), "text/html" | "application/xhtml+xml")
    }
}

/// Fetches `url` and extracts its article.
pub async fn fetch_article(url: &str, cfg: &FetchConfig) -> Result<Extracted, FetchError> {
    let page = fetch_page(url, cfg).await?;
    // Extraction is CPU work (up to a few seconds on a 5 MB page): keep it
    // off the async workers.
    // An extraction waits for a slot (few run at once) no longer than the
    // moderator waits for it.
    let wait = cfg.extract_timeout;
    let job = tokio::task::spawn_blocking(move || {
        if page.is_html() {
            extract_in(slots::extractions(), wait, &page.body, Some(&page.url), page.charset.as_deref())
        } else {
            extract_text(&page.body, Some(&page.url), page.charset.as_deref())
        }
    });
    // The page's size and shape are bounded, so the work is too, and few
    // extractions run at once; this deadline only stops the moderator from
    // waiting for one.
    let extracted = match tokio::time::timeout(cfg.extract_timeout, job).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => {
            return Err(FetchError::Network { url: url.to_owned(), reason: format!("extraction failed: {e}") });
        }
        Err(_) => {
            return Err(FetchError::TimedOut { url: url.to_owned(), secs: cfg.extract_timeout.as_secs().max(1) });
        }
    };
    Ok(extracted?)
}

/// Fetches `url` under the guards of this module; HTML and plain text only.
pub async fn fetch_page(url: &str, cfg: &FetchConfig) -> Result<Page, FetchError> {
    match fetch_conditional(url, cfg, Accept::Pages, &Validators::default()).await? {
        Conditional::Fetched(page) => Ok(page),
        // Without validators no server may answer 304; one that does sent nothing.
        Conditional::NotModified { url, .. } => Err(FetchError::Status { url, status: 304 }),
    }
}

/// Fetches `url` under the guards of this module, reading the media types
/// `accept` names, and sending `If-None-Match` / `If-Modified-Since` from
/// `validators`: a 304 answer reads no body.
pub async fn fetch_conditional(
    url: &str,
    cfg: &FetchConfig,
    accept: Accept,
    validators: &Validators,
) -> Result<Conditional, FetchError> {
    let secs = cfg.timeout.as_secs().max(1);
    match tokio::time::timeout(cfg.timeout, fetch_hops(url, cfg, accept, validators)).await {
        Ok(result) => result,
        Err(_) => Err(FetchError::TimedOut { url: url.to_owned(), secs }),
    }
}

/// A header value a server sent, as a short printable string.
fn header_text(headers: &reqwest::header::HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    let v = headers.get(name)?.to_str().ok()?.trim();
    (!v.is_empty() && v.len() <= 512).then(|| v.to_owned())
}

async fn fetch_hops(
    start: &str,
    cfg: &FetchConfig,
    accept: Accept,
    validators: &Validators,
) -> Result<Conditional, FetchError> {
    let mut current = reqwest::Url::parse(start.trim()).map_err(|_| FetchError::BadUrl(start.to_owned()))?;
    let mut permanent = None;
    for _hop in 0..=cfg.max_redirects {
        let addr = checked_address(&current, cfg).await?;
        let client = client_for(&current, addr, cfg)?;
        let shown = current.to_string();
        let mut req = client.get(current.clone()).header(reqwest::header::ACCEPT, accept.header());
        if let Some(etag) = validators.etag.as_deref().and_then(|v| reqwest::header::HeaderValue::from_str(v).ok()) {
            req = req.header(IF_NONE_MATCH, etag);
        }
        if let Some(lm) =
            validators.last_modified.as_deref().and_then(|v| reqwest::header::HeaderValue::from_str(v).ok())
        {
            req = req.header(IF_MODIFIED_SINCE, lm);
        }
        let mut resp = req.send().await.map_err(|e| network_error(&shown, &e, cfg))?;
        let status = resp.status();
        let moved_permanently = permanent.unwrap_or(false);
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(Conditional::NotModified { url: shown, moved_permanently });
        }
        if status.is_redirection() {
            let location = resp
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| FetchError::Status { url: shown.clone(), status: status.as_u16() })?;
            let is_permanent = matches!(status.as_u16(), 301 | 308);
            permanent = Some(permanent.unwrap_or(true) && is_permanent);
            current = current.join(location.trim()).map_err(|_| FetchError::BadUrl(location.to_owned()))?;
            continue;
        }
        if status == reqwest::StatusCode::NOT_FOUND || status == reqwest::StatusCode::GONE {
            return Err(FetchError::NotFound { url: shown, reason: format!("HTTP {}", status.as_u16()) });
        }
        if !status.is_success() {
            return Err(FetchError::Status { url: shown, status: status.as_u16() });
        }
        let (media_type, charset) = content_type(resp.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()));
        if !accept.reads(&media_type) {
            return Err(FetchError::WrongType { url: shown, content_type: media_type });
        }
        let etag = header_text(resp.headers(), ETAG);
        let last_modified = header_text(resp.headers(), LAST_MODIFIED);
        let declared_len =
            resp.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
        if declared_len.is_some_and(|n| n > cfg.max_bytes) {
            return Err(FetchError::TooLarge { url: shown, limit: cfg.max_bytes });
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| network_error(&shown, &e, cfg))? {
            if body.len() as u64 + chunk.len() as u64 > cfg.max_bytes {
                return Err(FetchError::TooLarge { url: shown, limit: cfg.max_bytes });
            }
            body.extend_from_slice(&chunk);
        }
        return Ok(Conditional::Fetched(Page {
            url: shown,
            media_type,
            charset,
            body,
            etag,
            last_modified,
            moved_permanently,
        }));
    }
    Err(FetchError::TooManyRedirects { url: start.to_owned(), limit: cfg.max_redirects })
}

/// The scheme, credentials and address checks of one hop; returns the one
/// address the connection will use.
async fn checked_address(url: &reqwest::Url, cfg: &FetchConfig) -> Result<SocketAddr, FetchError> {
    let shown = url.to_string();
    let refuse = |reason: String| FetchError::NotAllowed { url: shown.clone(), reason };
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refuse(format!("{} addresses are not fetched, only http and https", url.scheme())));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("addresses with credentials are not fetched".into()));
    }
    let port = url.port_or_known_default().ok_or_else(|| refuse("no port".into()))?;
    let host = url.host().ok_or_else(|| refuse("no host".into()))?;
    let addrs: Vec<IpAddr> = match host {
        url::Host::Ipv4(ip) => vec![IpAddr::V4(ip)],
        url::Host::Ipv6(ip) => vec![IpAddr::V6(ip)],
        url::Host::Domain(name) => {
            let found = tokio::net::lookup_host((name, port))
                .await
                .map_err(|_| FetchError::NotFound { url: shown.clone(), reason: format!("no such host {name}") })?;
            let mut ips: Vec<IpAddr> = found.map(|a| a.ip()).collect();
            ips.dedup();
            if ips.is_empty() {
                return Err(FetchError::NotFound { url: shown.clone(), reason: format!("no address for {name}") });
            }
            if cfg.allow_hosts.iter().any(|h| h.eq_ignore_ascii_case(name)) {
                return Ok(SocketAddr::new(ips[0], port));
            }
            ips
        }
    };
    // Every address the name resolves to must be allowed: otherwise a name
    // with one public and one private address could be used to pick.
    for ip in &addrs {
        if !is_public(*ip) && !cfg.allow_networks.iter().any(|n| n.contains(ip)) {
            return Err(refuse(format!("{ip} is a {} address", address_kind(*ip))));
        }
    }
    Ok(SocketAddr::new(addrs[0], port))
}

/// A client for one hop: no redirects, no proxy, no resolver except the
/// pinned, already checked address.
fn client_for(url: &reqwest::Url, addr: SocketAddr, cfg: &FetchConfig) -> Result<reqwest::Client, FetchError> {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(Arc::new(NoResolver))
        .user_agent(cfg.user_agent.clone())
        .timeout(cfg.timeout)
        .connect_timeout(cfg.timeout)
        .pool_max_idle_per_host(0);
    if let Some(url::Host::Domain(name)) = url.host() {
        builder = builder.resolve(name, addr);
    }
    builder.build().map_err(|e| FetchError::Network { url: url.to_string(), reason: e.to_string() })
}

/// The resolver the HTTP client gets: it resolves nothing, so only the
/// pinned, checked address can ever be connected to.
struct NoResolver;

impl reqwest::dns::Resolve for NoResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let name = name.as_str().to_owned();
        Box::pin(async move { Err(format!("{name} was not checked before connecting").into()) })
    }
}

fn network_error(url: &str, e: &reqwest::Error, cfg: &FetchConfig) -> FetchError {
    if e.is_timeout() {
        FetchError::TimedOut { url: url.to_owned(), secs: cfg.timeout.as_secs().max(1) }
    } else if e.is_connect() {
        FetchError::NotFound { url: url.to_owned(), reason: "could not connect".into() }
    } else {
        // The first line of the error chain is enough for a moderator.
        let reason = e.to_string().lines().next().unwrap_or("network error").to_owned();
        FetchError::Network { url: url.to_owned(), reason }
    }
}

/// `text/html; charset=ISO-8859-1` → (`text/html`, `Some("ISO-8859-1")`).
/// A missing header is taken as HTML (the extractor decides).
fn content_type(header: Option<&str>) -> (String, Option<String>) {
    let Some(h) = header else { return ("text/html".into(), None) };
    let mut parts = h.split(';');
    let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let charset = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case("charset").then(|| v.trim().trim_matches('"').to_owned())
    });
    (media, charset.filter(|c| !c.is_empty()))
}

/// Whether an address is on the public internet. Refused: unspecified,
/// loopback, private (RFC 1918), CGNAT, link-local, multicast, broadcast,
/// documentation and benchmarking ranges, reserved space, IPv6 unique-local,
/// site-local, IPv4-mapped/-compatible/translated and 6to4/Teredo forms.
pub fn is_public(ip: IpAddr) -> bool {
    address_kind(ip) == "public"
}

fn address_kind(ip: IpAddr) -> &'static str {
    match ip {
        IpAddr::V4(v4) => v4_kind(v4),
        IpAddr::V6(v6) => v6_kind(v6),
    }
}

fn v4_kind(ip: Ipv4Addr) -> &'static str {
    let o = ip.octets();
    if ip.is_unspecified() || o[0] == 0 {
        "unspecified"
    } else if ip.is_loopback() {
        "loopback"
    } else if ip.is_private() {
        "private"
    } else if o[0] == 100 && (o[1] & 0xC0) == 64 {
        "shared (CGNAT)"
    } else if ip.is_link_local() {
        "link-local"
    } else if ip.is_multicast() {
        "multicast"
    } else if ip.is_broadcast() || o[0] >= 240 {
        "reserved"
    } else if ip.is_documentation() {
        "documentation"
    } else if o[0] == 198 && (o[1] & 0xFE) == 18 {
        "benchmarking"
    } else if o[0] == 192 && o[1] == 0 && o[2] == 0 {
        "protocol-assignment"
    } else if o[0] == 192 && o[1] == 88 && o[2] == 99 {
        "6to4 relay"
    } else {
        "public"
    }
}

fn v6_kind(ip: Ipv6Addr) -> &'static str {
    let s = ip.segments();
    if ip.is_unspecified() {
        "unspecified"
    } else if ip.is_loopback() {
        "loopback"
    } else if ip.to_ipv4_mapped().is_some() {
        "IPv4-mapped"
    } else if s[0] == 0 && s[1] == 0 && s[2] == 0 && s[3] == 0 && s[4] == 0 && s[5] == 0 {
        "IPv4-compatible"
    } else if s[0] == 0x64 && s[1] == 0xff9b {
        "IPv4-translated (NAT64)"
    } else if (s[0] & 0xfe00) == 0xfc00 {
        "unique-local"
    } else if (s[0] & 0xffc0) == 0xfe80 {
        "link-local"
    } else if (s[0] & 0xffc0) == 0xfec0 {
        "site-local"
    } else if (s[0] & 0xff00) == 0xff00 {
        "multicast"
    } else if s[0] == 0x2001 && s[1] == 0x0db8 || (s[0] & 0xfff0) == 0x3ff0 {
        "documentation"
    } else if s[0] == 0x2001 && s[1] < 0x0200 {
        "protocol-assignment (Teredo and others)"
    } else if s[0] == 0x2002 {
        "6to4"
    } else if s[0] == 0x0100 && s[1] == 0 && s[2] == 0 && s[3] == 0 {
        "discard-only"
    } else if (s[0] & 0xe000) != 0x2000 {
        // Only 2000::/3 is allocated as global unicast.
        "reserved"
    } else {
        "public"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_pass() {
        for public in ["93.184.215.14", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4001:82a::200e"] {
            let ip: IpAddr = public.parse().unwrap();
            assert!(is_public(ip), "{public}");
        }
        for internal in [
            "0.0.0.0",
            "0.1.2.3",
            "127.0.0.1",
            "127.1.2.3",
            "10.0.0.1",
            "172.16.5.4",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "100.127.255.254",
            "169.254.169.254",
            "224.0.0.1",
            "239.255.255.250",
            "255.255.255.255",
            "240.0.0.1",
            "192.0.2.10",
            "198.51.100.7",
            "203.0.113.9",
            "198.18.0.1",
            "192.0.0.8",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:8.8.8.8",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "fc00::1",
            "fd12:3456:789a::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "3fff::1",
            "2001::1",
            "2002:a00:1::1",
            "100::1",
        ] {
            let ip: IpAddr = internal.parse().unwrap();
            assert!(!is_public(ip), "{internal} passed as {}", address_kind(ip));
        }
        // Neighbours of the refused ranges stay public.
        for edge in ["100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0", "198.20.0.0", "11.0.0.0"] {
            assert!(is_public(edge.parse().unwrap()), "{edge}");
        }
    }

    #[test]
    fn content_types_are_split() {
        assert_eq!(
            content_type(Some("text/html; charset=\"ISO-8859-1\"")),
            ("text/html".into(), Some("ISO-8859-1".into()))
        );
        assert_eq!(content_type(Some("Text/Plain")), ("text/plain".into(), None));
        assert_eq!(content_type(None), ("text/html".into(), None));
    }

    #[tokio::test]
    async fn refusals_happen_before_any_connection() {
        let cfg = FetchConfig::default();
        for (url, starts) in [
            ("ftp://example.com/a", "not allowed"),
            ("file:///etc/passwd", "not allowed"),
            ("http://user:pw@example.com/", "not allowed"),
            ("http://127.0.0.1/", "not allowed"),
            ("http://[::1]:8080/", "not allowed"),
            ("http://169.254.169.254/latest/meta-data/", "not allowed"),
            ("http://10.1.2.3/", "not allowed"),
            ("http://[::ffff:192.168.0.1]/", "not allowed"),
            ("http://localhost:9/", "not allowed"),
            ("not a url", "not a web address"),
        ] {
            let err = fetch_page(url, &cfg).await.unwrap_err();
            assert!(err.to_string().starts_with(starts), "{url}: {err}");
            assert!(!err.to_string().contains('\n'));
        }
    }

    #[test]
    fn allow_lists_parse() {
        let cfg = FetchConfig::default().with_allow_list("127.0.0.1/32, ::1 intranet.Example").unwrap();
        assert_eq!(cfg.allow_networks, ["127.0.0.1/32".parse::<IpNet>().unwrap(), "::1/128".parse().unwrap()]);
        assert_eq!(cfg.allow_hosts, ["intranet.example"]);
        assert!(FetchConfig::default().with_allow_list("").unwrap().allow_networks.is_empty());
        assert!(FetchConfig::default().with_allow_list("10.0.0.0/33").is_err());
        assert!(FetchConfig::default().with_allow_list("http://x/").is_err());
    }

    #[test]
    fn the_user_agent_names_the_bot() {
        assert!(FetchConfig::default().user_agent.starts_with("Parley/"));
        assert!(FetchConfig::default().user_agent.contains("(+news corpus bot"));
        let ua = user_agent(Some(" https://ops.example/parley\r\nX: y "));
        assert!(ua.contains("contact https://ops.example/parleyX: y)"), "{ua}");
        assert!(!ua.contains('\r') && !ua.contains('\n'));
    }

    #[test]
    fn feeds_accept_xml_and_json_pages_do_not() {
        for t in [
            "application/rss+xml",
            "application/atom+xml",
            "text/xml",
            "application/json",
            "application/feed+json",
            "text/html",
        ] {
            assert!(Accept::Feeds.reads(t), "{t}");
        }
        assert!(!Accept::Pages.reads("application/rss+xml"));
        assert!(!Accept::Feeds.reads("image/png"));
        assert!(!Accept::Feeds.reads("application/pdf"));
    }
}
