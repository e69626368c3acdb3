//! The listening side: the process holding the writer (`parley serve`,
//! `parley console`) accepts commands from shells on `<data>/parley.sock`.
//!
//! The socket is made owner-only without a race: it is bound inside a
//! fresh 0700 directory, set to 0600 there, then renamed into place (which
//! also replaces, atomically, a socket left by a killed process). Each
//! connection carries one request: at most [`MAX_REQUEST_BYTES`] within
//! [`REQUEST_TIMEOUT`], [`MAX_CONNECTIONS`] served at once (more are told
//! the process is busy). The socket is removed when the server is dropped,
//! if it is still this server's. It must not perform anything itself
//! (that is [`super::perform`]) or know who is on the other side beyond
//! the name the request gives.

use std::io::{Read, Write};
use std::os::unix::fs::MetadataExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{
    parse_request, perform, to_line, Event, Failure, Outcome, PerformConfig, ProtocolError, Summary, MAX_CONNECTIONS,
    MAX_REQUEST_BYTES, REQUEST_TIMEOUT, SOCKET_FILE, WRITE_TIMEOUT,
};
use crate::engine::Engine;

/// Told about every command performed for a shell (the bot writes it to
/// its audit log): the user the request names, what it was, how it went.
pub type DoneHook = Box<dyn Fn(&str, &Summary, &Result<Outcome, Failure>) + Send + Sync>;

/// How the server performs and whom it tells.
pub struct ServerConfig {
    pub perform: PerformConfig,
    pub on_done: Option<DoneHook>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("cannot listen on {}", .path.display())]
    Listen {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// How often the accept loop looks for a stop.
const POLL: Duration = Duration::from_millis(25);
/// How long dropping the server waits for commands being performed.
const DRAIN: Duration = Duration::from_secs(30);

struct Shared {
    engine: Arc<Engine>,
    config: ServerConfig,
    stop: AtomicBool,
    active: AtomicUsize,
}

/// A listening server; stops and removes its socket when dropped.
pub struct Server {
    path: PathBuf,
    /// Device and inode of the socket this server bound.
    inode: (u64, u64),
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    /// Binds `<data>/parley.sock` and serves shells on a thread of its own.
    pub fn start(engine: Arc<Engine>, config: ServerConfig) -> Result<Server, ServerError> {
        let dir = engine.data_dir().to_owned();
        let path = dir.join(SOCKET_FILE);
        let listen = |source| ServerError::Listen { path: path.clone(), source };
        let listener = bind(&dir, &path).map_err(listen)?;
        let md = std::fs::symlink_metadata(&path).map_err(listen)?;
        listener.set_nonblocking(true).map_err(listen)?;
        let shared = Arc::new(Shared { engine, config, stop: AtomicBool::new(false), active: AtomicUsize::new(0) });
        let looping = Arc::clone(&shared);
        let accept = std::thread::Builder::new()
            .name("parley-handoff".into())
            .spawn(move || accept_loop(&listener, &looping))
            .map_err(listen)?;
        tracing::info!(socket = %path.display(), "shell commands are taken on this socket while this process writes");
        Ok(Server { path, inode: (md.dev(), md.ino()), shared, accept: Some(accept) })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
        let until = Instant::now() + DRAIN;
        while self.shared.active.load(Ordering::SeqCst) > 0 && Instant::now() < until {
            std::thread::sleep(POLL);
        }
        let ours = std::fs::symlink_metadata(&self.path).is_ok_and(|m| (m.dev(), m.ino()) == self.inode);
        if ours {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Binds the socket owner-only and moves it to `path`.
fn bind(dir: &Path, path: &Path) -> std::io::Result<UnixListener> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    let private = dir.join(format!(".parley-sock.{}", std::process::id()));
    // A leftover of an earlier process that had this pid.
    let _ = std::fs::remove_dir_all(&private);
    std::fs::DirBuilder::new().mode(0o700).create(&private)?;
    let bound = (|| {
        let tmp = private.join("s");
        let listener = UnixListener::bind(&tmp)?;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
        if std::fs::symlink_metadata(path).is_ok() {
            match UnixStream::connect(path) {
                // This process holds the writer, so whatever answers there
                // cannot perform anything: take the name over.
                Ok(_) => {
                    tracing::warn!(socket = %path.display(), "another process answers on the socket; replacing it")
                }
                Err(_) => tracing::info!(socket = %path.display(), "replacing a socket left by a process that stopped"),
            }
        }
        std::fs::rename(&tmp, path)?;
        Ok(listener)
    })();
    let _ = std::fs::remove_dir_all(&private);
    bound
}

/// Decrements the count of commands being served when dropped (a panic
/// included).
struct Active<'a>(&'a AtomicUsize);

impl Drop for Active<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn accept_loop(listener: &UnixListener, shared: &Arc<Shared>) {
    while !shared.stop.load(Ordering::SeqCst) {
        let stream = match listener.accept() {
            Ok((s, _)) => s,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(POLL);
                continue;
            }
            Err(e) => {
                tracing::warn!("accepting a shell's connection: {e}");
                std::thread::sleep(POLL);
                continue;
            }
        };
        let _ = stream.set_nonblocking(false);
        let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
        if shared.active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            shared.active.fetch_sub(1, Ordering::SeqCst);
            let busy = format!(
                "the running Parley is already performing {MAX_CONNECTIONS} commands from shells: nothing was done; try again in a moment"
            );
            let _ = send(&mut &stream, &Event::Failed(Failure::new(busy)));
            continue;
        }
        let one = Arc::clone(shared);
        let spawned = std::thread::Builder::new().name("parley-handoff-request".into()).spawn(move || {
            let _active = Active(&one.active);
            serve_one(stream, &one);
        });
        if let Err(e) = spawned {
            // The closure (and its guard) never ran.
            shared.active.fetch_sub(1, Ordering::SeqCst);
            tracing::warn!("cannot serve a shell's command: {e}");
        }
    }
}

fn send(stream: &mut impl Write, event: &Event) -> std::io::Result<()> {
    let line = to_line(event).map_err(std::io::Error::other)?;
    stream.write_all(&line)?;
    stream.flush()
}

fn serve_one(mut stream: UnixStream, shared: &Shared) {
    let request = read_request(&mut stream, MAX_REQUEST_BYTES, REQUEST_TIMEOUT).and_then(|l| parse_request(&l));
    let request = match request {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!("a shell's request was refused: {e}");
            let _ = send(&mut stream, &Event::Failed(Failure::new(e.to_string())));
            return;
        }
    };
    let summary = request.command.summary();
    // Whoever the request says it is: one short line, for logs and the audit.
    let user: String = request.user.chars().filter(|c| !c.is_control()).take(100).collect();
    tracing::info!(action = summary.action, target = %summary.target, user = %user, "performing a command from a shell");
    let result = {
        let mut writable = true;
        let mut progress = |p| {
            if writable && send(&mut stream, &Event::Progress(p)).is_err() {
                writable = false;
            }
        };
        perform(&shared.engine, request.command, &shared.config.perform, &mut progress)
            .map_err(|e| Failure::from_error(&e))
    };
    if let Err(f) = &result {
        tracing::info!(action = summary.action, "a command from a shell failed: {}", f.message);
    }
    if let Some(hook) = &shared.config.on_done {
        hook(&user, &summary, &result);
    }
    let event = match result {
        Ok(o) => Event::Done(o),
        Err(f) => Event::Failed(f),
    };
    if let Err(e) = send(&mut stream, &event) {
        tracing::warn!(
            action = summary.action,
            "the shell went away before its answer ({e}); the command was performed"
        );
    }
}

/// Reads one request line: at most `max` bytes, the whole of it within
/// `timeout` (a client trickling bytes is cut off too).
pub(crate) fn read_request(stream: &mut UnixStream, max: usize, timeout: Duration) -> Result<Vec<u8>, ProtocolError> {
    let deadline = Instant::now() + timeout;
    let mut line = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let left = deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or(ProtocolError::Timeout(timeout))?;
        stream.set_read_timeout(Some(left)).map_err(|_| ProtocolError::Incomplete)?;
        match stream.read(&mut chunk) {
            Ok(0) => return Err(ProtocolError::Incomplete),
            Ok(n) => {
                let got = &chunk[..n];
                let end = got.iter().position(|b| *b == b'\n');
                line.extend_from_slice(&got[..end.unwrap_or(n)]);
                if line.len() > max {
                    return Err(ProtocolError::TooLarge { max });
                }
                if end.is_some() {
                    return Ok(line);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return Err(ProtocolError::Timeout(timeout))
            }
            Err(_) => return Err(ProtocolError::Incomplete),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_line_is_bounded_in_size_and_time() {
        let (mut a, mut b) = UnixStream::pair().unwrap();
        b.write_all(b"{\"v\":1}\nrest is ignored").unwrap();
        assert_eq!(read_request(&mut a, 100, Duration::from_secs(5)).unwrap(), b"{\"v\":1}");

        let (mut a, mut b) = UnixStream::pair().unwrap();
        let writer = std::thread::spawn(move || {
            let _ = b.write_all(&vec![b'x'; 300_000]);
            b
        });
        assert_eq!(
            read_request(&mut a, 100_000, Duration::from_secs(5)),
            Err(ProtocolError::TooLarge { max: 100_000 })
        );
        drop(a);
        drop(writer.join());

        let (mut a, mut b) = UnixStream::pair().unwrap();
        b.write_all(b"{\"v\":1,").unwrap();
        let slow = read_request(&mut a, 100, Duration::from_millis(200));
        assert_eq!(slow, Err(ProtocolError::Timeout(Duration::from_millis(200))));
        drop(b);
        let (mut a, b) = UnixStream::pair().unwrap();
        drop(b);
        assert_eq!(read_request(&mut a, 100, Duration::from_secs(5)), Err(ProtocolError::Incomplete));
    }

    #[test]
    fn the_socket_is_private_replaces_a_stale_one_and_goes_at_the_end() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let engine = Arc::new(
            Engine::open(crate::engine::EngineConfig {
                model_dir: None,
                ..crate::engine::EngineConfig::new(dir.path())
            })
            .unwrap(),
        );
        // A socket left by a killed process: a path nobody listens on.
        let path = dir.path().join(SOCKET_FILE);
        drop(UnixListener::bind(&path).unwrap());
        assert!(UnixStream::connect(&path).is_err());
        let config = || ServerConfig {
            perform: PerformConfig { fetch: Default::default(), vectors: super::super::VectorMode::Defer },
            on_done: None,
        };
        let server = Server::start(Arc::clone(&engine), config()).unwrap();
        let mode = std::fs::symlink_metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
        let names: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into()).collect();
        assert!(!names.iter().any(|n| n.starts_with(".parley-sock")), "{names:?}");

        // One request per connection; a malformed one is answered, not dropped.
        let mut s = UnixStream::connect(&path).unwrap();
        s.write_all(b"{\"v\":7,\"command\":\"reindex\"}\n").unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        let event: Event = serde_json::from_str(answer.trim()).unwrap();
        assert!(matches!(&event, Event::Failed(f) if f.message.contains("version")), "{answer}");

        let mut s = UnixStream::connect(&path).unwrap();
        s.write_all(b"{\"v\":1,\"command\":{\"remove\":{\"id\":\"2031-01-01-none\"}}}\n").unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        assert!(answer.contains("no article with id"), "{answer}");

        drop(server);
        assert!(std::fs::symlink_metadata(&path).is_err(), "the socket is removed on a clean stop");
        // A server whose socket was taken over leaves the newer one alone.
        let first = Server::start(Arc::clone(&engine), config()).unwrap();
        std::fs::remove_file(&path).unwrap();
        let _other = UnixListener::bind(&path).unwrap();
        drop(first);
        assert!(std::fs::symlink_metadata(&path).is_ok());
    }
}
