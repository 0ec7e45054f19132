//! The proposal list's query: filters, sort and keyset cursor, parsed from
//! the URL's parameters so every view can be shared.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::common::ProposalState;

/// Proposals per page.
pub const PAGE_SIZE: u64 = 20;

/// The raw URL parameters of a proposal list, as the browser sends them.
/// Empty strings mean "no filter" (what an untouched `<select>` submits).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "server", into_params(parameter_in = Query))]
pub struct ProposalListParams {
    /// A platform's slug.
    #[cfg_attr(feature = "server", param(pattern = "^[A-Za-z0-9_-]{0,80}$"))]
    pub piattaforma: Option<String>,
    /// A strategic direction's code.
    #[cfg_attr(feature = "server", param(pattern = "^[A-Za-z0-9_-]{0,80}$"))]
    pub direzione: Option<String>,
    /// A zone's slug.
    #[cfg_attr(feature = "server", param(pattern = "^[A-Za-z0-9_-]{0,80}$"))]
    pub zona: Option<String>,
    /// `pubblicata`, `in_valutazione`, `accettata`, `respinta`, `ritirata`, `unita`.
    #[cfg_attr(feature = "server", param(schema_with = state_names))]
    pub stato: Option<String>,
    /// `supporti` (most supported first, the default), `recenti` or `casuale`.
    #[cfg_attr(feature = "server", param(schema_with = sort_names))]
    pub ordine: Option<String>,
    /// The seed of a `casuale` order, to keep it across pages.
    #[cfg_attr(feature = "server", param(value_type = Option<u32>))]
    pub seme: Option<String>,
    /// The cursor (`next`) of the previous page, as the server wrote it:
    /// it belongs to the order it was made for.
    #[cfg_attr(
        feature = "server",
        param(pattern = "^[spr]-?[0-9]{1,20}_[0-9a-f]{32}$")
    )]
    pub dopo: Option<String>,
    /// Words to search for (full text), at most 200 characters.
    #[cfg_attr(
        feature = "server",
        param(max_length = 200, pattern = "^[^\\x00-\\x1F\\x7F]*$")
    )]
    pub cerca: Option<String>,
}

/// The schema of `stato=`: a state's URL name (empty: every state).
#[cfg(feature = "server")]
fn state_names() -> utoipa::openapi::schema::Object {
    let mut names: Vec<&str> = vec![""];
    names.extend(ProposalState::ALL.iter().map(|s| s.url_name()));
    names_schema(&names)
}

/// The schema of `ordine=`: an order's URL name (empty: the default).
#[cfg(feature = "server")]
fn sort_names() -> utoipa::openapi::schema::Object {
    names_schema(&["", "supporti", "recenti", "casuale"])
}

/// A string schema taking one of `names`.
#[cfg(feature = "server")]
fn names_schema(names: &[&str]) -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(names.iter().copied()))
        .build()
}

/// Which filters apply; platform, zone and direction by their URL key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProposalFilter {
    pub platform: Option<String>,
    pub direction: Option<String>,
    pub zone: Option<String>,
    pub state: Option<ProposalState>,
    /// Full-text search words, as typed (trimmed, at most 200 characters).
    pub search: Option<String>,
}

/// The order of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum ProposalSort {
    /// Most supported first (the default).
    MostSupported,
    /// Most recently published first.
    Newest,
    /// A shuffled order that stays the same for the same seed.
    Random { seed: u32 },
}

impl ProposalSort {
    /// The URL name (`ordine=`).
    pub fn url_name(self) -> &'static str {
        match self {
            ProposalSort::MostSupported => "supporti",
            ProposalSort::Newest => "recenti",
            ProposalSort::Random { .. } => "casuale",
        }
    }
}

/// Where the previous page ended: the sort key of its last row, then its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum ProposalCursor {
    Supports { count: i64, id: Uuid },
    Published { micros: i64, id: Uuid },
    Random { key: i64, id: Uuid },
}

impl ProposalCursor {
    /// The compact form carried in `dopo=`.
    pub fn encode(&self) -> String {
        match self {
            ProposalCursor::Supports { count, id } => format!("s{count}_{}", id.simple()),
            ProposalCursor::Published { micros, id } => format!("p{micros}_{}", id.simple()),
            ProposalCursor::Random { key, id } => format!("r{key}_{}", id.simple()),
        }
    }

    /// Parses `dopo=`; the cursor must belong to the requested sort.
    pub fn decode(value: &str, sort: ProposalSort) -> Option<Self> {
        let (head, id) = value.split_once('_')?;
        let id = Uuid::try_parse(id).ok()?;
        let mut chars = head.chars();
        let tag = chars.next()?;
        let number: i64 = chars.as_str().parse().ok()?;
        match (tag, sort) {
            ('s', ProposalSort::MostSupported) if number >= 0 => {
                Some(ProposalCursor::Supports { count: number, id })
            }
            ('p', ProposalSort::Newest) => Some(ProposalCursor::Published { micros: number, id }),
            ('r', ProposalSort::Random { .. }) if number >= 0 => {
                Some(ProposalCursor::Random { key: number, id })
            }
            _ => None,
        }
    }
}

/// A parsed, valid proposal list query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProposalQuery {
    pub filter: ProposalFilter,
    pub sort: ProposalSort,
    pub after: Option<ProposalCursor>,
    pub limit: u64,
}

/// A URL parameter that does not parse; `field` names it as in the URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ListingError {
    pub field: String,
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn key(value: &Option<String>, field: &str) -> Result<Option<String>, ListingError> {
    match non_empty(value) {
        None => Ok(None),
        Some(v)
            if v.len() <= 80
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            Ok(Some(v.to_owned()))
        }
        Some(_) => Err(ListingError {
            field: field.to_owned(),
        }),
    }
}

impl ProposalListParams {
    /// Parses the parameters. A random order without a seed gets `fresh_seed`,
    /// which the caller then carries in the next page's link.
    pub fn parse(&self, fresh_seed: u32) -> Result<ProposalQuery, ListingError> {
        let state = match non_empty(&self.stato) {
            None => None,
            Some(v) => Some(ProposalState::from_url_name(v).ok_or_else(|| ListingError {
                field: "stato".into(),
            })?),
        };
        let sort = match non_empty(&self.ordine) {
            None | Some("supporti") => ProposalSort::MostSupported,
            Some("recenti") => ProposalSort::Newest,
            Some("casuale") => {
                let seed = match non_empty(&self.seme) {
                    None => fresh_seed,
                    Some(v) => v.parse().map_err(|_| ListingError {
                        field: "seme".into(),
                    })?,
                };
                ProposalSort::Random { seed }
            }
            Some(_) => {
                return Err(ListingError {
                    field: "ordine".into(),
                });
            }
        };
        let after = match non_empty(&self.dopo) {
            None => None,
            Some(v) => Some(ProposalCursor::decode(v, sort).ok_or_else(|| ListingError {
                field: "dopo".into(),
            })?),
        };
        Ok(ProposalQuery {
            filter: ProposalFilter {
                platform: key(&self.piattaforma, "piattaforma")?,
                direction: key(&self.direzione, "direzione")?,
                zone: key(&self.zona, "zona")?,
                state,
                search: match non_empty(&self.cerca) {
                    None => None,
                    Some(v) if v.chars().count() <= 200 && !v.chars().any(char::is_control) => {
                        Some(v.to_owned())
                    }
                    Some(_) => {
                        return Err(ListingError {
                            field: "cerca".into(),
                        });
                    }
                },
            },
            sort,
            after,
            limit: PAGE_SIZE,
        })
    }
}

impl ProposalQuery {
    /// The URL parameters of this query's page after `cursor` (`None`: first page).
    pub fn to_params(&self, cursor: Option<&str>) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        let filter = &self.filter;
        for (name, value) in [
            ("piattaforma", &filter.platform),
            ("direzione", &filter.direction),
            ("zona", &filter.zone),
        ] {
            if let Some(v) = value {
                params.push((name, v.clone()));
            }
        }
        if let Some(state) = filter.state {
            params.push(("stato", state.url_name().to_owned()));
        }
        if let Some(search) = &filter.search {
            params.push(("cerca", search.clone()));
        }
        if self.sort != ProposalSort::MostSupported {
            params.push(("ordine", self.sort.url_name().to_owned()));
        }
        if let ProposalSort::Random { seed } = self.sort {
            params.push(("seme", seed.to_string()));
        }
        if let Some(cursor) = cursor {
            params.push(("dopo", cursor.to_owned()));
        }
        params
    }
}

/// Map a random key and a seed to the key a random listing sorts by: an
/// affine permutation modulo a prime, so every seed gives another order and
/// the same seed always the same one. Computed the same way in SQL.
pub fn shuffle_key(random_key: i64, seed: u32) -> i64 {
    let (a, b) = shuffle_coefficients(seed);
    (random_key * a + b) % RANDOM_KEY_MODULUS
}

/// Random keys are drawn from `0..RANDOM_KEY_MODULUS` (a prime, 2^31 - 1).
pub const RANDOM_KEY_MODULUS: i64 = 2_147_483_647;

/// The multiplier (never zero) and offset a seed stands for.
pub fn shuffle_coefficients(seed: u32) -> (i64, i64) {
    let mixed = u64::from(seed)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .rotate_left(17);
    let a = (mixed % (RANDOM_KEY_MODULUS as u64 - 1)) as i64 + 1;
    let b = ((mixed >> 32) % RANDOM_KEY_MODULUS as u64) as i64;
    (a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> ProposalListParams {
        let mut p = ProposalListParams::default();
        for (k, v) in pairs {
            let v = Some((*v).to_owned());
            match *k {
                "piattaforma" => p.piattaforma = v,
                "direzione" => p.direzione = v,
                "zona" => p.zona = v,
                "stato" => p.stato = v,
                "ordine" => p.ordine = v,
                "seme" => p.seme = v,
                "dopo" => p.dopo = v,
                _ => unreachable!(),
            }
        }
        p
    }

    #[test]
    fn empty_parameters_mean_no_filter_and_most_supported() {
        let q = params(&[("piattaforma", ""), ("stato", " ")])
            .parse(7)
            .unwrap();
        assert_eq!(q.filter, ProposalFilter::default());
        assert_eq!(q.sort, ProposalSort::MostSupported);
        assert_eq!(q.after, None);
    }

    #[test]
    fn every_bad_parameter_is_named() {
        for (field, value) in [
            ("stato", "boh"),
            ("ordine", "alfabetico"),
            ("zona", "<script>"),
            ("dopo", "zzz"),
        ] {
            assert_eq!(params(&[(field, value)]).parse(1).unwrap_err().field, field);
        }
        assert_eq!(
            params(&[("ordine", "casuale"), ("seme", "-1")])
                .parse(1)
                .unwrap_err()
                .field,
            "seme"
        );
    }

    #[test]
    fn cursors_round_trip_and_must_match_the_sort() {
        let id = Uuid::now_v7();
        let cursor = ProposalCursor::Supports { count: 12, id };
        assert_eq!(
            ProposalCursor::decode(&cursor.encode(), ProposalSort::MostSupported),
            Some(cursor)
        );
        assert_eq!(
            ProposalCursor::decode(&cursor.encode(), ProposalSort::Newest),
            None
        );
        let cursor = ProposalCursor::Published { micros: -5, id };
        assert_eq!(
            ProposalCursor::decode(&cursor.encode(), ProposalSort::Newest),
            Some(cursor)
        );
    }

    #[test]
    fn random_order_keeps_its_seed_across_pages() {
        let q = params(&[("ordine", "casuale"), ("zona", "centro")])
            .parse(42)
            .unwrap();
        assert_eq!(q.sort, ProposalSort::Random { seed: 42 });
        let next = q.to_params(Some("r5_0198"));
        assert!(next.contains(&("seme", "42".to_owned())));
        assert!(next.contains(&("zona", "centro".to_owned())));
        assert!(next.contains(&("dopo", "r5_0198".to_owned())));
    }

    #[test]
    fn shuffle_is_a_permutation_that_depends_on_the_seed() {
        let keys: Vec<i64> = (0..1000).map(|k| k * 2_000_000).collect();
        let one: Vec<i64> = keys.iter().map(|k| shuffle_key(*k, 1)).collect();
        let two: Vec<i64> = keys.iter().map(|k| shuffle_key(*k, 2)).collect();
        let mut distinct = one.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), keys.len());
        assert_ne!(one, two);
        assert!(one.iter().all(|k| (0..RANDOM_KEY_MODULUS).contains(k)));
    }
}
