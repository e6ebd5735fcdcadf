//! The `avid-resolver` binary as a child process of a test.

#![allow(dead_code)] // Each test binary uses the part it needs.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `avid-resolver`, killed when dropped.
pub struct Service {
    child: Child,
    /// Where it answers: `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port free at the time of the call.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `avid-resolver` on a free loopback port with `args`, in an empty environment, and
/// waits until it answers `/health`.
pub async fn start(args: &[&str]) -> Service {
    start_on(free_port(), args).await
}

/// Starts `avid-resolver` on loopback `port` with `args`, in an empty environment, and waits
/// until it answers `/health`.
pub async fn start_on(port: u16, args: &[&str]) -> Service {
    let listen = format!("127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_avid-resolver"))
        .args(["--listen", &listen])
        .args(args)
        .env_clear()
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let service = Service {
        child,
        base: format!("http://{listen}"),
    };
    for _ in 0..100 {
        if reqwest::get(format!("{}/health", service.base))
            .await
            .is_ok()
        {
            return service;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("avid-resolver did not start");
}
