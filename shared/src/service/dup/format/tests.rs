//! Both formats read back what they write, and refuse bad trees line by line.

use std::collections::HashSet;

use super::*;
use crate::model::dup::ImportProblem;

const HEADER: &str = "tipo,codice,missione,programma,padre,titolo,descrizione,responsabile,anno,importo,unita,valore_base,valore_atteso,valore_rilevato\n";

fn missions() -> HashSet<String> {
    ["01", "10", "12"].iter().map(|s| s.to_string()).collect()
}

fn read(body: &str, simplified: bool) -> Result<DupTree, Vec<ImportProblem>> {
    read_csv(&format!("{HEADER}{body}"), &missions(), simplified)
}

const GOOD: &str = "\
programma,02,10,,,Trasporto pubblico locale,,,,,,,,
obiettivo_strategico,SeS-10.1,10,,,Una città che si muove meglio,Meno auto e più bus,,,,,,,
obiettivo_operativo,SeO-10.02.1,10,02,SeS-10.1,Nuove linee di bus nei quartieri,,Settore mobilità,,,,,,
risorse,,,,SeO-10.02.1,,,,2026,\"1.250.000,50\",,,,
risorse,,,,SeO-10.02.1,,,,2027,900000,,,,
indicatore,IND-1,,,SeO-10.02.1,Passeggeri annui,,,,,migliaia,1200,,
valore,,,,IND-1,,,,2026,,,,1300,1280
valore,,,,IND-1,,,,2027,,,,1400,
";

#[test]
fn a_good_file_gives_the_whole_tree() {
    let tree = read(GOOD, false).unwrap();
    assert_eq!(tree.programmes.len(), 1);
    assert_eq!(tree.strategic[0].code, "SeS-10.1");
    let seo = &tree.operational[0];
    assert_eq!(seo.strategic.as_deref(), Some("SeS-10.1"));
    assert_eq!(seo.resources[&2026], 125_000_050);
    assert_eq!(seo.resources[&2027], 90_000_000);
    let ind = &tree.indicators[0];
    assert_eq!(ind.baseline, Some(1200.0));
    assert_eq!(ind.targets[&2027], 1400.0);
    assert_eq!(ind.actuals.get(&2026), Some(&1280.0));
    assert_eq!(ind.actuals.get(&2027), None);
}

#[test]
fn every_bad_line_is_named_and_nothing_is_accepted() {
    let bad = format!(
        "{GOOD}\
programma,2,10,,,Programma senza due cifre,,,,,,,,
programma,01,20,,,Missione tecnica,,,,,,,,
obiettivo_operativo,SeO-X,12,05,SeS-10.1,Programma fuori dalla missione,,,,,,,,
obiettivo_operativo,SeO-Y,10,02,SeS-99,Padre mancante,,,,,,,,
obiettivo_strategico,SeS-10.1,10,,,Duplicato,,,,,,,,
risorse,,,,SeO-10.02.1,,,,2026,tanti,,,,
"
    );
    let errors = read(&bad, false).unwrap_err();
    let lines: Vec<u64> = errors.iter().filter_map(|e| e.line).collect();
    assert_eq!(lines, vec![10, 11, 12, 13, 14, 15]);
    assert!(errors[0].message.contains("due cifre"));
    assert!(errors[1].message.contains("Missione «20»"));
    assert!(errors[2].message.contains("non presente nella missione 12"));
    assert!(errors[3].message.contains("«SeS-99» non trovato"));
    assert!(errors[4].message.contains("duplicato (già in riga 3)"));
    assert!(errors[5].message.contains("non è un numero"));
}

#[test]
fn lines_depending_on_a_refused_item_are_not_reported_again() {
    let body = "\
programma,02,10,,,Trasporto pubblico locale,,,,,,,,
obiettivo_operativo,SeO-1,10,02,,Senza padre,,,,,,,,
risorse,,,,SeO-1,,,,2026,1000,,,,
indicatore,IND-1,,,SeO-1,Passeggeri,,,,,n,1,,
valore,,,,IND-1,,,,2026,,,,2,
";
    let errors = read(body, false).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, Some(3));
}

#[test]
fn lines_are_counted_in_the_file_and_duplicates_and_nul_are_refused() {
    let body = "\
programma,02,10,,,Trasporto pubblico locale,,,,,,,,
obiettivo_strategico,SeS-10.1,10,,,Muoversi meglio,\"Su due
righe\",,,,,,,
risorse,,,,SeO-X,,,,2026,1,,,,
programma,03,10,,,Con \u{0}nul,,,,,,,,
";
    let errors = read(body, false).unwrap_err();
    assert_eq!(errors[0].line, Some(5), "{errors:?}");
    assert_eq!(errors[1].line, Some(6));
    assert!(errors[1].message.contains("Carattere di controllo"));
    let crlf = read(&body.replace('\n', "\r\n"), false).unwrap_err();
    assert_eq!(crlf[0].line, Some(5), "{crlf:?}");
    let twice = format!("{GOOD}risorse,,,,SeO-10.02.1,,,,2026,1,,,,\n");
    let errors = read(&twice, false).unwrap_err();
    assert!(errors[0].message.contains("già indicate"), "{errors:?}");
}

#[test]
fn a_simplified_dup_has_no_strategic_objectives() {
    let simplified = "\
programma,02,10,,,Trasporto pubblico locale,,,,,,,,
obiettivo_operativo,SeO-1,10,02,,Bus nei quartieri,,,,,,,,
";
    let tree = read(simplified, true).unwrap();
    assert_eq!(tree.operational[0].strategic, None);
    let errors = read(GOOD, true).unwrap_err();
    assert!(errors[0].message.contains("semplificato"));
    assert_eq!(errors[0].line, Some(3));
}

#[test]
fn csv_and_json_round_trip_to_the_same_tree() {
    let tree = read(GOOD, false).unwrap();
    let again = read_csv(&write_csv(&tree), &missions(), false).unwrap();
    assert_eq!(again, tree);
    let json = write_json(&tree);
    assert_eq!(read_json(&json, &missions(), false).unwrap(), tree);
}

#[test]
fn json_problems_name_the_item() {
    let bad = r#"{"formato":"piazza-dup/1","programmi":[{"missione":"20","codice":"01","titolo":"Fondo"}]}"#;
    let errors = read_json(bad, &missions(), false).unwrap_err();
    assert_eq!(errors[0].place, "programmi[0]");
    let broken = read_json("{\n\"formato\": 3", &missions(), false).unwrap_err();
    assert_eq!(broken[0].line, Some(2));
    let unknown = read_json(
        r#"{"formato":"piazza-dup/1","altro":[]}"#,
        &missions(),
        false,
    )
    .unwrap_err();
    assert!(unknown[0].message.contains("«altro»"), "{unknown:?}");
}

/// The README's sample files hold the same tree in both formats.
#[test]
fn the_sample_files_agree() {
    let all: HashSet<String> = (1..=19).map(|n| format!("{n:02}")).collect();
    let csv = read_csv(
        include_str!("../../../../demo/dup-pinerolo-2026-2028.csv"),
        &all,
        false,
    )
    .unwrap();
    let json = read_json(
        include_str!("../../../../demo/dup-pinerolo-2026-2028.json"),
        &all,
        false,
    )
    .unwrap();
    assert_eq!(csv, json);
    assert_eq!(csv.operational.len(), 5);
}

#[test]
fn missing_columns_are_named() {
    let errors = read_csv("tipo,codice\n", &missions(), false).unwrap_err();
    assert_eq!(errors[0].line, Some(1));
    assert!(errors[0].message.contains("missione"));
}
