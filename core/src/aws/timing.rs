//! Where an EC2 run's time goes: the emulator's or AWS's answers, poll
//! pauses, the agent's answers, the build, and what is left: Kiln's own
//! overhead.

use std::future::Future;
use std::time::{Duration, Instant};

/// Time spent per kind while a run goes through its EC2 lifecycle.
#[derive(Debug)]
pub struct Timing {
    start: Instant,
    pub ec2_api: Duration,
    pub ec2_calls: u32,
    pub sleeps: Duration,
    pub agent: Duration,
    pub build: Duration,
}

impl Timing {
    pub fn start() -> Self {
        Self {
            start: Instant::now(),
            ec2_api: Duration::ZERO,
            ec2_calls: 0,
            sleeps: Duration::ZERO,
            agent: Duration::ZERO,
            build: Duration::ZERO,
        }
    }

    /// Awaits one EC2 API call, counting its time.
    pub async fn ec2<T>(&mut self, call: impl Future<Output = T>) -> T {
        let began = Instant::now();
        let out = call.await;
        self.ec2_api += began.elapsed();
        self.ec2_calls += 1;
        out
    }

    /// Awaits one call to the agent (health), counting its time.
    pub async fn agent<T>(&mut self, call: impl Future<Output = T>) -> T {
        let began = Instant::now();
        let out = call.await;
        self.agent += began.elapsed();
        out
    }

    /// Counts a pause between polls.
    pub fn slept(&mut self, pause: Duration) {
        self.sleeps += pause;
    }

    /// Kiln's own share: total minus EC2 answers, pauses, agent answers and
    /// the build.
    pub fn overhead(&self) -> Duration {
        self.start
            .elapsed()
            .saturating_sub(self.ec2_api + self.sleeps + self.agent + self.build)
    }

    /// One line for the run log, e.g. `timing: total 900 ms = EC2 API 40 ms
    /// (4 calls) + poll pauses 100 ms + agent answers 10 ms + build 700 ms +
    /// Kiln 50 ms`.
    pub fn summary(&self) -> String {
        format!(
            "timing: total {} ms = EC2 API {} ms ({} calls) + poll pauses {} ms + agent answers {} ms + build {} ms + Kiln {} ms",
            self.start.elapsed().as_millis(),
            self.ec2_api.as_millis(),
            self.ec2_calls,
            self.sleeps.as_millis(),
            self.agent.as_millis(),
            self.build.as_millis(),
            self.overhead().as_millis()
        )
    }
}
