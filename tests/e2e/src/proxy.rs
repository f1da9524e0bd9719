//! A TCP proxy that records every byte in both directions: what the server
//! receives from the browser is exactly what crossed this proxy.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Listens on a loopback port and forwards to `upstream`, keeping a copy.
#[derive(Debug)]
pub struct RecordingProxy {
    pub port: u16,
    traffic: Arc<Mutex<Vec<u8>>>,
    accept: JoinHandle<()>,
}

impl RecordingProxy {
    pub async fn start(upstream: u16) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let traffic = Arc::new(Mutex::new(Vec::new()));
        let recorded = Arc::clone(&traffic);
        let accept = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let recorded = Arc::clone(&recorded);
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)).await {
                        let (client_read, client_write) = client.into_split();
                        let (server_read, server_write) = server.into_split();
                        let up = pump(client_read, server_write, Arc::clone(&recorded));
                        let down = pump(server_read, client_write, recorded);
                        let _ = tokio::join!(up, down);
                    }
                });
            }
        });
        Ok(Self {
            port,
            traffic,
            accept,
        })
    }

    /// Everything that crossed the proxy so far, both directions.
    pub fn traffic(&self) -> Vec<u8> {
        self.traffic
            .lock()
            .expect("no panics while holding the lock")
            .clone()
    }
}

impl Drop for RecordingProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    recorded: Arc<Mutex<Vec<u8>>>,
) -> std::io::Result<()> {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let read = from.read(&mut buffer).await?;
        if read == 0 {
            return to.shutdown().await;
        }
        recorded
            .lock()
            .expect("no panics while holding the lock")
            .extend_from_slice(&buffer[..read]);
        to.write_all(&buffer[..read]).await?;
    }
}
