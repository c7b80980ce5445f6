//! Building, finding and running the binaries under test, and reading their memory
//! and CPU use from /proc.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};

/// How long a child gets to print its listening address.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// Lines of a child's stderr kept for error messages.
const STDERR_TAIL: usize = 20;

/// Where the release binaries live, and whether to build them first.
#[derive(Debug, Clone, clap::Args)]
pub struct BinArgs {
    /// Do not run `cargo build` for helpscout-mcp and fake-helpscout first.
    #[arg(long, global = true)]
    pub no_build: bool,
    /// Directory holding helpscout-mcp and fake-helpscout (default: next to this binary).
    #[arg(long, global = true)]
    pub bin_dir: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct Bins {
    pub server: PathBuf,
    pub fake: PathBuf,
}

/// Builds the server and the fake with this binary's profile (release under
/// `cargo run --release`), then finds them next to this binary.
pub fn prepare(args: &BinArgs) -> Result<Bins> {
    let release = !cfg!(debug_assertions);
    if !release {
        eprintln!("warning: bench was built without --release; it measures debug binaries, whose figures mean little");
    }
    if !args.no_build {
        // Nested cargo: `cargo run` sets CARGO and has released its build lock by now.
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut cmd = Command::new(cargo);
        cmd.current_dir(&root)
            .args(["build", "-p", "helpscout-mcp", "-p", "fake-helpscout", "--bins"]);
        if release {
            cmd.arg("--release");
        }
        eprintln!(
            "building helpscout-mcp and fake-helpscout ({})…",
            if release { "release" } else { "debug" }
        );
        let status = cmd.status().context("cannot run cargo build")?;
        if !status.success() {
            bail!("cargo build failed ({status})");
        }
    }
    let dir = match &args.bin_dir {
        Some(dir) => dir.clone(),
        None => std::env::current_exe()
            .context("cannot locate this executable")?
            .parent()
            .map(Path::to_path_buf)
            .ok_or_else(|| anyhow!("this executable has no parent directory"))?,
    };
    let bins = Bins {
        server: dir.join("helpscout-mcp"),
        fake: dir.join("fake-helpscout"),
    };
    for bin in [&bins.server, &bins.fake] {
        if !bin.is_file() {
            bail!("{} not found (build it, or pass --bin-dir)", bin.display());
        }
    }
    Ok(bins)
}

/// A child process that is killed when dropped. Its stdout (when piped) arrives line by
/// line on a channel, so every read has a timeout; its stderr (when piped) is drained
/// by a thread so the pipe never fills, and the last lines are kept for errors.
pub struct Proc {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Option<Receiver<(Instant, String)>>,
    stderr_tail: Arc<Mutex<VecDeque<String>>>,
    stderr_lines: Option<Receiver<String>>,
}

pub struct Spawn<'a> {
    pub bin: &'a Path,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// Pipe stdin and stdout (stdio MCP); otherwise both are null.
    pub stdio: bool,
    /// Pipe stderr (needed to read a listening address); otherwise null.
    pub stderr: bool,
}

impl<'a> Spawn<'a> {
    pub fn new(bin: &'a Path) -> Self {
        Spawn {
            bin,
            args: Vec::new(),
            env: Vec::new(),
            stdio: false,
            stderr: false,
        }
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    pub fn env(mut self, name: &str, value: impl Into<String>) -> Self {
        self.env.push((name.to_string(), value.into()));
        self
    }

    pub fn stdio(mut self) -> Self {
        self.stdio = true;
        self
    }

    pub fn stderr(mut self) -> Self {
        self.stderr = true;
        self
    }

    pub fn start(self) -> Result<Proc> {
        let mut cmd = Command::new(self.bin);
        cmd.args(&self.args);
        // A clean environment: no credentials or settings from the caller's shell, and
        // the product's default log level (info) unless a benchmark sets RUST_LOG.
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("HELPSCOUT_") || name == "RUST_LOG" {
                cmd.env_remove(name);
            }
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        let piped = |on: bool| if on { Stdio::piped() } else { Stdio::null() };
        cmd.stdin(piped(self.stdio))
            .stdout(piped(self.stdio))
            .stderr(piped(self.stderr));
        let mut child = cmd
            .spawn()
            .with_context(|| format!("cannot start {}", self.bin.display()))?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().map(|out| {
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(out);
                loop {
                    let mut line = String::new();
                    match reader.read_line(&mut line) {
                        Ok(0) | Err(_) => break,
                        Ok(_) => {
                            if tx.send((Instant::now(), line)).is_err() {
                                break;
                            }
                        }
                    }
                }
            });
            rx
        });
        let stderr_tail = Arc::new(Mutex::new(VecDeque::new()));
        let stderr_lines = child.stderr.take().map(|err| {
            let (tx, rx) = mpsc::channel();
            let tail = Arc::clone(&stderr_tail);
            std::thread::spawn(move || {
                for line in BufReader::new(err).lines() {
                    let Ok(line) = line else { break };
                    {
                        let mut tail = tail.lock().unwrap_or_else(|e| e.into_inner());
                        if tail.len() == STDERR_TAIL {
                            tail.pop_front();
                        }
                        tail.push_back(line.clone());
                    }
                    // Nobody listens after start-up; keep draining regardless.
                    let _ = tx.send(line);
                }
            });
            rx
        });
        Ok(Proc {
            child,
            stdin,
            stdout,
            stderr_tail,
            stderr_lines,
        })
    }
}

impl Proc {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Writes one line (a JSON-RPC message) to stdin.
    pub fn send_line(&mut self, line: &str) -> Result<()> {
        let stdin = self.stdin.as_mut().ok_or_else(|| anyhow!("stdin is not piped"))?;
        stdin.write_all(line.as_bytes())?;
        stdin.write_all(b"\n")?;
        stdin.flush()?;
        Ok(())
    }

    /// The next stdout line and when it was read, waiting at most `timeout`.
    pub fn recv_line(&mut self, timeout: Duration) -> Result<(Instant, String)> {
        let rx = self.stdout.as_ref().ok_or_else(|| anyhow!("stdout is not piped"))?;
        match rx.recv_timeout(timeout) {
            Ok(line) => Ok(line),
            Err(RecvTimeoutError::Timeout) => bail!("no answer within {timeout:?}{}", self.stderr_context()),
            Err(RecvTimeoutError::Disconnected) => bail!("the process closed stdout{}", self.stderr_context()),
        }
    }

    /// Closes stdin (end of the stdio session) and waits up to `timeout` for the exit.
    pub fn close_and_wait(mut self, timeout: Duration) -> Result<()> {
        drop(self.stdin.take());
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        bail!("the process did not exit within {timeout:?} after stdin closed")
    }

    /// Waits for a stderr line containing `listening on http://` and returns that URL.
    pub fn wait_listening(&mut self) -> Result<String> {
        let rx = self
            .stderr_lines
            .as_ref()
            .ok_or_else(|| anyhow!("stderr is not piped"))?;
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = match rx.recv_timeout(left) {
                Ok(line) => line,
                Err(_) => bail!(
                    "no `listening on` line within {START_TIMEOUT:?}{}",
                    self.stderr_context()
                ),
            };
            if let Some(rest) = line.split("listening on ").nth(1) {
                let url = rest.split_whitespace().next().unwrap_or_default();
                if url.starts_with("http://127.0.0.1:") {
                    return Ok(url.trim_end_matches('/').to_string());
                }
            }
        }
    }

    fn stderr_context(&self) -> String {
        let tail = self.stderr_tail.lock().unwrap_or_else(|e| e.into_inner());
        if tail.is_empty() {
            String::new()
        } else {
            format!(
                "; its stderr ended with:\n{}",
                tail.iter().cloned().collect::<Vec<_>>().join("\n")
            )
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// A `/proc/<pid>/status` field in KiB (`VmRSS`, `VmHWM`).
pub fn status_kib(pid: u32, field: &str) -> Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("cannot read /proc/{pid}/status"))?;
    parse_status_kib(&status, field).ok_or_else(|| anyhow!("/proc/{pid}/status has no {field}"))
}

fn parse_status_kib(status: &str, field: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

/// User + system CPU time the process has used so far (all threads).
pub fn cpu_time(pid: u32) -> Result<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .with_context(|| format!("cannot read /proc/{pid}/stat"))?;
    let ticks = parse_stat_ticks(&stat).ok_or_else(|| anyhow!("cannot parse /proc/{pid}/stat"))?;
    // USER_HZ is 100 on every Linux architecture we run on.
    Ok(Duration::from_millis(ticks * 10))
}

/// utime + stime (fields 14 and 15); the command name in field 2 may contain spaces,
/// so fields are counted after its closing parenthesis.
fn parse_stat_ticks(stat: &str) -> Option<u64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // after_name starts at field 3 (state); utime is field 14.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

pub fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_status_fields() {
        let status = "Name:\thelpscout-mcp\nVmHWM:\t   14336 kB\nVmRSS:\t   12288 kB\n";
        assert_eq!(parse_status_kib(status, "VmHWM"), Some(14336));
        assert_eq!(parse_status_kib(status, "VmRSS"), Some(12288));
        assert_eq!(parse_status_kib(status, "VmSwap"), None);
    }

    #[test]
    fn reads_cpu_ticks_past_a_name_with_spaces() {
        let stat = "42 (tokio rt) S 1 42 42 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 3 0 1000 0 0";
        assert_eq!(parse_stat_ticks(stat), Some(325));
    }
}
