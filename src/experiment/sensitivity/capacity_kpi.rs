//! The capacity factor as a KPI of a sensitivity analysis: the key that names it and
//! the search it asks for, what it means in words, and the two searches per input
//! scenario that give its value and its noise (see the parent module's documentation).
//!
//! The key is [`CAPACITY_FACTOR`] alone (every flow's demand, stability only, up to
//! ×3, to 0.01), or with the search's settings in brackets, the same ones
//! `corridor capacity` takes:
//!
//! ```text
//! capacity.factor[tags=transit; criterion=port.baku.ship_wait_hours.p95 <= 24; criterion=system.delivered_share >= 0.99; max=2; resolution=0.005]
//! ```
//!
//! Each setting may be left out (its default then holds); `criterion` repeats. The
//! key is what the analysis, its files and its shards call the KPI, so two analyses
//! of different searches never merge. [`capacity_factor_key`] writes the key of a
//! search in this form (the command line's `--tag` and `--criterion` use it).

use crate::experiment::capacity::{CapacitySearch, Criterion};
use crate::scenario::Scenario;

/// The KPI key of the capacity search's sustainable demand factor (see the module
/// documentation): `--kpi capacity.factor`.
pub const CAPACITY_FACTOR: &str = "capacity.factor";

/// The capacity search a KPI key asks for: `None` when the key is not a capacity
/// factor; an error, in the user's terms, when its settings are malformed.
///
/// # Errors
/// A setting that is unknown, repeated (other than `criterion`), empty or out of
/// range, or a criterion that does not parse; the message names it and what is valid.
pub fn capacity_search_of(key: &str) -> Option<Result<CapacitySearch, String>> {
    let rest = key.strip_prefix(CAPACITY_FACTOR)?;
    if rest.is_empty() {
        return Some(Ok(CapacitySearch::new(Vec::new(), Vec::new())));
    }
    let inner = rest.strip_prefix('[')?.strip_suffix(']');
    let Some(inner) = inner else {
        return Some(Err(format!("KPI {key:?}: the search's settings end with `]`")));
    };
    Some(parse_settings(key, inner))
}

/// The settings between the brackets of a capacity-factor key.
fn parse_settings(key: &str, inner: &str) -> Result<CapacitySearch, String> {
    const VALID: &str = "valid: tags=a,b; criterion=KEY <= X (repeatable); max=FACTOR; resolution=STEP";
    let mut search = CapacitySearch::new(Vec::new(), Vec::new());
    let (mut tags, mut max, mut resolution) = (false, false, false);
    for part in inner.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((name, value)) = part.split_once('=').map(|(n, v)| (n.trim(), v.trim())) else {
            return Err(format!("KPI {key:?}: `{part}` is not `name=value` ({VALID})"));
        };
        let once = |seen: &mut bool| {
            if std::mem::replace(seen, true) { Err(format!("KPI {key:?}: `{name}` is given twice")) } else { Ok(()) }
        };
        let number = |v: &str| -> Result<f64, String> {
            v.parse::<f64>().map_err(|_| format!("KPI {key:?}: `{name}={v}` is not a number"))
        };
        match name {
            "tags" => {
                once(&mut tags)?;
                search.tags = value.split(',').map(str::trim).filter(|t| !t.is_empty()).map(String::from).collect();
                if search.tags.is_empty() {
                    return Err(format!("KPI {key:?}: `tags=` names no tag"));
                }
            }
            "criterion" => search
                .criteria
                .push(Criterion::parse(value).map_err(|e| format!("KPI {key:?}: criterion `{value}`: {e}"))?),
            "max" => {
                once(&mut max)?;
                search.max_factor = number(value)?;
            }
            "resolution" => {
                once(&mut resolution)?;
                search.resolution = number(value)?;
            }
            other => return Err(format!("KPI {key:?}: unknown setting `{other}` ({VALID})")),
        }
    }
    search.check().map_err(|e| format!("KPI {key:?}: {e}"))?;
    Ok(search)
}

/// The key of the capacity factor under `search`: [`CAPACITY_FACTOR`] for the
/// default search, otherwise with the settings that differ from it in brackets, in
/// a fixed order (tags, criteria, max, resolution).
pub fn capacity_factor_key(search: &CapacitySearch) -> String {
    let default = CapacitySearch::new(Vec::new(), Vec::new());
    let mut parts = Vec::new();
    if !search.tags.is_empty() {
        parts.push(format!("tags={}", search.tags.join(",")));
    }
    parts.extend(search.criteria.iter().map(|c| format!("criterion={c}")));
    if search.max_factor != default.max_factor {
        parts.push(format!("max={}", search.max_factor));
    }
    if search.resolution != default.resolution {
        parts.push(format!("resolution={}", search.resolution));
    }
    if parts.is_empty() { CAPACITY_FACTOR.to_string() } else { format!("{CAPACITY_FACTOR}[{}]", parts.join("; ")) }
}

/// What a KPI of an analysis is, where its key alone does not say: for a capacity
/// factor, how it is searched.
pub fn kpi_meaning(key: &str) -> Option<String> {
    let search = capacity_search_of(key)?.ok()?;
    let demand = if search.tags.is_empty() {
        "every flow's demand".to_string()
    } else {
        format!("the demand tagged {}", search.tags.join(", "))
    };
    let criteria = if search.criteria.is_empty() {
        "stability only".to_string()
    } else {
        let c: Vec<String> = search.criteria.iter().map(ToString::to_string).collect();
        format!("stability and {}", c.join(", "))
    };
    Some(format!(
        "the capacity search's sustainable factor on {demand} ({criteria}; up to ×{}, to {}), searched on the even \
         and on the odd replications of each input scenario: two independent answers, their mean the value and \
         their difference the noise",
        search.max_factor, search.resolution
    ))
}

/// The capacity search's answer for `variant` of `inputs` under `search`, run twice
/// on `reps` replications under `seed`: on the even replications and on the odd
/// ones. The two halves are independent, so they stand for two replications of the
/// answer: their mean is the value, their difference its noise.
pub(super) fn capacity_factor(
    inputs: &Scenario,
    variant: &str,
    search: &CapacitySearch,
    (reps, seed): (u64, u64),
) -> Result<Vec<f64>, String> {
    (0..2)
        .map(|half| {
            let mut experiment = crate::experiment::Experiment::for_scenario(inputs)
                .replications(reps)
                .seed(seed)
                .threads(rayon::current_num_threads());
            experiment.shard = Some(crate::experiment::Shard::new(half, 2).map_err(|e| e.to_string())?);
            let found = crate::experiment::capacity::search(inputs, variant, search, &experiment, None)
                .map_err(|e| e.to_string())?;
            Ok(found.factor)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_their_search_and_read_back() {
        let plain = capacity_search_of("capacity.factor").unwrap().unwrap();
        assert_eq!((plain.tags.len(), plain.criteria.len(), plain.max_factor), (0, 0, 3.0));
        assert_eq!(capacity_factor_key(&plain), "capacity.factor");
        let key = "capacity.factor[tags=transit, oil; criterion=port.b.ship_wait_hours.p95 <= 24; max=2]";
        let search = capacity_search_of(key).unwrap().unwrap();
        assert_eq!(search.tags, ["transit", "oil"]);
        assert_eq!(search.criteria[0].to_string(), "port.b.ship_wait_hours.p95 <= 24");
        assert_eq!((search.max_factor, search.resolution), (2.0, 0.01));
        let canonical = capacity_factor_key(&search);
        assert_eq!(canonical, "capacity.factor[tags=transit,oil; criterion=port.b.ship_wait_hours.p95 <= 24; max=2]");
        assert_eq!(capacity_search_of(&canonical).unwrap().unwrap(), search);
        assert!(kpi_meaning(key).unwrap().contains("the demand tagged transit, oil (stability and port.b"));
        assert!(capacity_search_of("port.b.ship_wait_hours.p95").is_none());
        assert!(kpi_meaning("system.delivered_share").is_none());
    }

    #[test]
    fn malformed_settings_are_refused_in_words() {
        for (key, says) in [
            ("capacity.factor[tags=a", "end with `]`"),
            ("capacity.factor[speed=2]", "unknown setting `speed`"),
            ("capacity.factor[max=two]", "`max=two` is not a number"),
            ("capacity.factor[max=0]", "--max-factor"),
            ("capacity.factor[tags=]", "names no tag"),
            ("capacity.factor[tags=a; tags=b]", "`tags` is given twice"),
            ("capacity.factor[criterion=wait 24]", "criterion `wait 24`"),
            ("capacity.factor[resolution]", "is not `name=value`"),
        ] {
            let error = capacity_search_of(key).unwrap().unwrap_err();
            assert!(error.contains(says), "{key}: {error}");
        }
    }
}
