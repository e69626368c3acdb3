//! The HTTP interactions endpoint and attachment downloads under abuse: the
//! real `parley serve --http` binary, a local Discord, and raw TCP clients
//! that send too much, too slowly, or hold connections. Statuses and order
//! are asserted, never durations.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use ed25519_dalek::{Signer, SigningKey};
use serde_json::Value;

use crate::discord::{
    corpus_files, finish, hex, post_signed, seeded, send, spawn_endpoint_with, start, unix_now, ANSWER,
};
use crate::fake_discord::payloads::{opt_attachment, opt_str, sub, Action, Member};
use crate::fake_discord::FakeDiscord;

/// Longer than the endpoint's header and body timeouts (5 s each): how long
/// a raw client waits for the endpoint to act.
const CUT_OFF: Duration = Duration::from_secs(30);

fn signature(key: &SigningKey, timestamp: &str, body: &[u8]) -> String {
    let mut message = timestamp.as_bytes().to_vec();
    message.extend_from_slice(body);
    hex(&key.sign(&message).to_bytes())
}

/// `host:port` of an `http://host:port/` URL.
fn addr_of(url: &str) -> String {
    url.trim_start_matches("http://").trim_end_matches('/').to_owned()
}

/// Everything the server sends until it closes the connection (or
/// [`CUT_OFF`] passes, which fails the test).
fn read_until_closed(stream: &mut TcpStream) -> String {
    stream.set_read_timeout(Some(CUT_OFF)).expect("read timeout");
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!("the endpoint kept a slow connection open ({e}); got {:?}", String::from_utf8_lossy(&got)),
        }
    }
    String::from_utf8_lossy(&got).into_owned()
}

/// Whether the server has closed `stream` (without waiting).
fn closed_by_server(stream: &mut TcpStream) -> bool {
    stream.set_nonblocking(true).expect("nonblocking");
    let mut buf = [0u8; 256];
    let closed = loop {
        match stream.read(&mut buf) {
            Ok(0) => break true,
            Ok(_) => continue,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break false,
            Err(_) => break true,
        }
    };
    stream.set_nonblocking(false).expect("blocking");
    closed
}

#[test]
fn endpoint_refuses_big_stale_and_slow_requests_and_keeps_answering() {
    let fake = FakeDiscord::start();
    let data = seeded();
    let key = SigningKey::from_bytes(&[7; 32]);
    let (mut bot, url) = spawn_endpoint_with(&fake, &data, &key, &[]);
    let addr = addr_of(&url);
    let http = reqwest::Client::builder().no_proxy().timeout(ANSWER).build().expect("client");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let rest_calls = fake.requests().len();

    rt.block_on(async {
        let now = unix_now().to_string();
        let (_, _, ask) = fake.prepare(&Action::command("ask", vec![opt_str("question", "grain corridor")]), &Member::reader(1));
        let ask = ask.to_string();

        // Too big, correctly signed: 413 by the declared length, before the
        // body is sent…
        let big = format!("{ask}{}", " ".repeat(200 * 1024));
        let signed = |body: &str| {
            format!(
                "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nX-Signature-Ed25519: {}\r\nX-Signature-Timestamp: {now}\r\n",
                signature(&key, &now, body.as_bytes())
            )
        };
        let mut raw = TcpStream::connect(&addr).expect("connect");
        raw.write_all(format!("{}Content-Length: {}\r\n\r\n", signed(&big), big.len()).as_bytes()).expect("headers");
        let answer = read_until_closed(&mut raw);
        assert!(answer.starts_with("HTTP/1.1 413"), "a declared 200 KiB body got {answer:?}");
        // …and without a length (chunked), once 64 KiB have streamed in.
        let mut raw = TcpStream::connect(&addr).expect("connect");
        let mut request = format!("{}Transfer-Encoding: chunked\r\n\r\n", signed(&big)).into_bytes();
        for chunk in big.as_bytes()[..80 * 1024].chunks(16 * 1024) {
            request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            request.extend_from_slice(chunk);
            request.extend_from_slice(b"\r\n");
        }
        raw.write_all(&request).expect("80 KiB of chunks");
        let answer = read_until_closed(&mut raw);
        assert!(answer.starts_with("HTTP/1.1 413"), "a chunked body past 64 KiB got {answer:?}");

        // Timestamps that are not fresh numbers: 401, no panic, no overflow.
        for ts in [
            i64::MIN.to_string(),
            i64::MAX.to_string(),
            u64::MAX.to_string(),
            "99999999999999999999999999".into(),
            "-1".into(),
            "12ab".into(),
            (unix_now() - 3_600).to_string(),
        ] {
            let (status, _) = post_signed(&http, &url, &key, &ts, &ask, &ask).await;
            assert_eq!(status, 401, "timestamp {ts:?}");
        }

        // Headers trickled and never finished: the connection is cut.
        let mut slow_headers = TcpStream::connect(&addr).expect("connect");
        slow_headers.write_all(format!("POST / HTTP/1.1\r\nHost: {addr}\r\nX-Sig").as_bytes()).expect("half headers");
        let answer = read_until_closed(&mut slow_headers);
        assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "half headers got {answer:?}");

        // A signed body that never finishes: 408.
        let mut slow_body = TcpStream::connect(&addr).expect("connect");
        let now = unix_now().to_string();
        let head = format!(
            "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nX-Signature-Ed25519: {}\r\nX-Signature-Timestamp: {now}\r\n\r\n",
            ask.len(),
            signature(&key, &now, ask.as_bytes())
        );
        slow_body.write_all(head.as_bytes()).expect("headers");
        slow_body.write_all(&ask.as_bytes()[..10]).expect("some body");
        let answer = read_until_closed(&mut slow_body);
        assert!(answer.starts_with("HTTP/1.1 408"), "a body that never ends got {answer:?}");
    });
    bot.expect_running();
    assert_eq!(fake.requests().len(), rest_calls, "a refused request made the bot call Discord");

    // And it still answers.
    rt.block_on(async {
        let (id, _, ask) = fake
            .prepare(&Action::command("ask", vec![opt_str("question", "truce around Saltmere")]), &Member::reader(1));
        let ask = ask.to_string();
        let (status, body) = post_signed(&http, &url, &key, &unix_now().to_string(), &ask, &ask).await;
        assert_eq!(status, 200, "{body}");
        let problems = fake.record_http_response(id, &body);
        assert!(problems.is_empty(), "{problems:#?}");
        let reply = fake.wait_for_response(id, ANSWER).expect("recorded");
        assert!(reply.text().contains("Saltmere"), "{}", reply.text());
    });
    finish(&fake, &bot);
}

#[test]
fn endpoint_serves_a_bounded_number_of_connections_and_frees_slow_ones() {
    let fake = FakeDiscord::start();
    let data = seeded();
    let key = SigningKey::from_bytes(&[7; 32]);
    let (mut bot, url) = spawn_endpoint_with(&fake, &data, &key, &[("PARLEY_ENDPOINT_CONNECTIONS", "2".into())]);
    let addr = addr_of(&url);
    // Two clients take both slots and never finish their headers.
    let mut holders: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut s = TcpStream::connect(&addr).expect("connect");
            s.write_all(format!("POST / HTTP/1.1\r\nHost: {addr}\r\n").as_bytes()).expect("half headers");
            s
        })
        .collect();
    // Discord's request waits for a slot, and gets one once the holders are cut.
    let http = reqwest::Client::builder().no_proxy().timeout(CUT_OFF).build().expect("client");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let (_, _, ask) =
        fake.prepare(&Action::command("ask", vec![opt_str("question", "truce around Saltmere")]), &Member::reader(1));
    let ask = ask.to_string();
    let (status, body) = rt.block_on(post_signed(&http, &url, &key, &unix_now().to_string(), &ask, &ask));
    // Answered (later than Discord's 3 s here, by design of the test: the
    // fake is not told about this response, only its status and body are
    // checked).
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["type"], Value::from(4), "{body}");
    assert!(body["data"].to_string().contains("Saltmere"), "{body}");
    // It was served only after the slow clients lost their slots: both are
    // closed by now. Without a cap they would still be open.
    for (i, h) in holders.iter_mut().enumerate() {
        assert!(closed_by_server(h), "slow client {i} still holds its connection");
    }
    bot.expect_running();
}

#[test]
fn discord_attachments_come_only_from_discords_file_server() {
    let (fake, data, bot) = start(&[]);
    let before = corpus_files(&data);
    let moderator = Member::manager(1);
    let add_file = |a: &Value| Action::Command {
        name: "corpus".into(),
        options: vec![sub("add-file", vec![opt_attachment("file", a)])],
        attachments: vec![a.clone()],
    };
    // Another host on this machine that must never be contacted.
    let elsewhere = TcpListener::bind("127.0.0.1:0").expect("bind");
    elsewhere.set_nonblocking(true).expect("nonblocking");
    let other = format!("http://{}", elsewhere.local_addr().expect("addr"));

    let offsite = crate::fake_discord::payloads::attachment(
        1_390_000_000_000_000_001,
        "notes.md",
        Some("text/markdown"),
        100,
        &format!("{other}/attachments/1/notes.md"),
    );
    let r = send(&fake, &bot, add_file(&offsite), &moderator);
    assert!(r.text().contains("not on Discord's file server"), "{}", r.text());
    assert!(r.is_ephemeral(), "{:?}", r.callback);

    let bounced = fake.attach_redirect("bounce.md", Some("text/markdown"), &format!("{other}/bounce.md"));
    let r = send(&fake, &bot, add_file(&bounced), &moderator);
    assert!(r.text().contains("not on Discord's file server"), "{}", r.text());
    assert!(fake.downloads().iter().any(|d| d.ends_with("bounce.md (redirected)")), "{:?}", fake.downloads());

    assert!(elsewhere.accept().is_err(), "the bot connected to a host that is not Discord's");
    assert_eq!(corpus_files(&data), before, "a refused attachment changed the corpus");
    finish(&fake, &bot);
}
