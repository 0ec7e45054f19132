//! Helpers of the open-data tests (domain and HTTP alike).

use std::path::Path;

pub const FACILITATOR: &str = "facilitator-milano@demo.piazza.invalid";

/// Changes one digit of the first proposal's `support_count`.
pub fn tamper_with_a_support_count(dir: &Path) {
    let path = dir.join("proposte.csv");
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = headers.iter().position(|h| h == "support_count").unwrap();
    let mut records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let mut fields: Vec<String> = records[0].iter().map(str::to_owned).collect();
    let last = fields[column].pop().unwrap().to_digit(10).unwrap();
    fields[column].push(char::from_digit((last + 1) % 10, 10).unwrap());
    records[0] = csv::StringRecord::from(fields);
    let before = std::fs::metadata(&path).unwrap().len();
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_path(&path)
        .unwrap();
    writer.write_record(&headers).unwrap();
    for record in &records {
        writer.write_record(record).unwrap();
    }
    writer.flush().unwrap();
    drop(writer);
    assert_eq!(
        std::fs::metadata(&path).unwrap().len(),
        before,
        "only a digit changed"
    );
}
