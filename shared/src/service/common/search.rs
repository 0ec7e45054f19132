//! Full-text search in Italian. Words are lower-cased, stripped of common
//! function words, reduced to their stem with the Snowball Italian stemmer
//! (so "piste ciclabili" finds "pista ciclabile") and folded to plain
//! letters (so "città" finds "citta"). The stems are stored in
//! `proposals.search_terms` and indexed by the database's own text search:
//! an FTS5 table on SQLite, a generated `tsvector` with a GIN index on
//! PostgreSQL. Queries go through the same steps, so both sides agree.

use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ConnectionTrait, DatabaseBackend, Value};
use uuid::Uuid;

use crate::service::ServiceError;
use crate::service::common::db::statement;

/// Italian words too common to tell proposals apart.
const STOP_WORDS: &[&str] = &[
    "a", "ad", "al", "alla", "alle", "agli", "ai", "allo", "anche", "che", "chi", "ci", "come",
    "con", "cosa", "da", "dal", "dalla", "dalle", "dai", "dagli", "dallo", "del", "della", "delle",
    "dei", "degli", "dello", "di", "e", "ed", "è", "era", "essere", "fa", "fra", "gli", "ha",
    "hanno", "ho", "i", "il", "in", "io", "la", "le", "lo", "loro", "ma", "mi", "ne", "nei", "nel",
    "nella", "nelle", "negli", "nello", "noi", "non", "o", "per", "più", "poi", "quale", "quando",
    "quella", "quelle", "quelli", "quello", "questa", "queste", "questi", "questo", "se", "si",
    "sia", "sono", "su", "sul", "sulla", "sulle", "sui", "sugli", "sullo", "ti", "tra", "tu", "un",
    "una", "uno", "vi", "voi",
];

/// At most this many words of a query are used.
const MAX_QUERY_TERMS: usize = 12;

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::Italian))
}

/// Folds accented Latin letters to plain ones (after stemming, which knows accents).
fn fold(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ä' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            other => other,
        })
        .collect()
}

/// The search terms of a text: stems of its meaningful words, in order.
/// Only `[a-z0-9]` survive, so terms are safe inside any query syntax.
pub fn terms(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .map(|w| fold(&stemmer().stem(&w)))
        .map(|w| {
            w.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
        })
        .filter(|w| w.len() > 1)
        .collect()
}

/// The indexed text of a proposal: the title counts twice.
pub fn document(title: &str, body: &str) -> String {
    let title = terms(title).join(" ");
    format!("{title} {title} {}", terms(body).join(" "))
}

/// Keeps the search index of one proposal in step with its text. Runs in the
/// caller's transaction.
pub async fn index_proposal<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
    title: &str,
    body: &str,
) -> Result<(), ServiceError> {
    let document = document(title, body);
    let backend = conn.get_database_backend();
    conn.execute_raw(statement(
        backend,
        "UPDATE proposals SET search_terms = ? WHERE id = ?",
        [Value::from(document.clone()), Value::from(id)],
    ))
    .await?;
    if backend == DatabaseBackend::Sqlite {
        conn.execute_raw(statement(
            backend,
            "DELETE FROM proposal_search WHERE proposal_id = ?",
            [Value::from(id)],
        ))
        .await?;
        conn.execute_raw(statement(
            backend,
            "INSERT INTO proposal_search (terms, proposal_id) VALUES (?, ?)",
            [Value::from(document), Value::from(id)],
        ))
        .await?;
    }
    Ok(())
}

/// Rebuilds the SQLite index from `search_terms` (after bulk loads).
pub async fn reindex_all<C: ConnectionTrait>(conn: &C) -> Result<(), ServiceError> {
    if conn.get_database_backend() == DatabaseBackend::Sqlite {
        conn.execute_unprepared("DELETE FROM proposal_search")
            .await?;
        conn.execute_unprepared(
            "INSERT INTO proposal_search (terms, proposal_id) SELECT search_terms, id FROM proposals",
        )
        .await?;
    }
    Ok(())
}

/// How the words of a query combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Match {
    /// Every word (the list's search box).
    All,
    /// Any word, best matches first (similar proposals).
    Any,
}

/// A query ready for the database, or `None` when nothing searchable is left.
pub fn query(text: &str, how: Match) -> Option<String> {
    let mut words = terms(text);
    words.dedup();
    words.truncate(MAX_QUERY_TERMS);
    if words.is_empty() {
        return None;
    }
    Some(match how {
        Match::All => words.join(" "),
        Match::Any => words.join(" OR "),
    })
}

/// A condition "proposals.id matches `query`" for the given backend.
pub fn matching(backend: DatabaseBackend, query: &str, how: Match) -> SimpleExpr {
    match backend {
        DatabaseBackend::Postgres => {
            let words: Vec<&str> = query.split(' ').filter(|w| *w != "OR").collect();
            let joined = words.join(if how == Match::All { " & " } else { " | " });
            Expr::cust_with_values(
                "\"proposals\".\"search_vector\" @@ to_tsquery('simple', $1)",
                [joined],
            )
        }
        _ => Expr::cust_with_values(
            "\"proposals\".\"id\" IN (SELECT proposal_id FROM proposal_search WHERE proposal_search MATCH ?)",
            [query.to_owned()],
        ),
    }
}

/// An expression ranking matches best first (ascending order).
pub fn rank(backend: DatabaseBackend, query: &str) -> SimpleExpr {
    match backend {
        DatabaseBackend::Postgres => {
            let joined = query
                .split(' ')
                .filter(|w| *w != "OR")
                .collect::<Vec<_>>()
                .join(" | ");
            Expr::cust_with_values(
                "-ts_rank(\"proposals\".\"search_vector\", to_tsquery('simple', $1))",
                [joined],
            )
        }
        _ => Expr::cust_with_values(
            "(SELECT bm25(proposal_search) FROM proposal_search WHERE proposal_search MATCH ? AND proposal_search.proposal_id = \"proposals\".\"id\")",
            [query.to_owned()],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_accents_and_function_words() {
        assert_eq!(terms("piste ciclabili"), terms("pista ciclabile"));
        assert_eq!(terms("Città"), terms("citta"));
        assert!(terms("della e il per").is_empty());
        assert_eq!(terms("Più alberi!").len(), 1);
    }

    #[test]
    fn terms_are_safe_in_query_syntax() {
        for term in terms("\"); DROP TABLE x; -- NEAR(a b) * ^ 'ciao' città AND OR") {
            assert!(term.chars().all(|c| c.is_ascii_alphanumeric()), "{term}");
        }
        assert_eq!(query("   ", Match::All), None);
        assert_eq!(
            query("biblioteche di quartiere", Match::Any).as_deref(),
            Some("bibliotec OR quart")
        );
    }
}
