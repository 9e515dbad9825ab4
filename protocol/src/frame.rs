//! The lines of a streamed answer.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::ErrorBody;

/// How often the agent sends a heartbeat while a stream is otherwise silent.
pub const HEARTBEAT_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// One line of a streamed answer: `{"event": …}`, `{"heartbeat": {}}`,
/// then exactly one `{"done": …}` or `{"error": …}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frame<E, R> {
    Event(E),
    Heartbeat {},
    Done(R),
    Error(ErrorBody),
}

/// One frame as a JSON line (with the trailing `\n`).
pub fn encode_frame<E: Serialize, R: Serialize>(
    frame: &Frame<E, R>,
) -> Result<Vec<u8>, serde_json::Error> {
    let mut line = serde_json::to_vec(frame)?;
    line.push(b'\n');
    Ok(line)
}

/// Parses one line (without or with its `\n`).
pub fn decode_frame<E: DeserializeOwned, R: DeserializeOwned>(
    line: &[u8],
) -> Result<Frame<E, R>, serde_json::Error> {
    serde_json::from_slice(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_as_single_lines() {
        let frames: Vec<Frame<String, u32>> = vec![
            Frame::Event("a\nb".to_string()),
            Frame::Heartbeat {},
            Frame::Done(7),
        ];
        for frame in frames {
            let line = encode_frame(&frame).expect("encodes");
            assert_eq!(line.iter().filter(|b| **b == b'\n').count(), 1);
            assert_eq!(decode_frame::<String, u32>(&line).expect("decodes"), frame);
        }
    }
}
