//! Semantic checks of a deserialised scenario: references, ranges and feasibility.
//! Each problem is reported with the dotted path of the field and what would be valid.
//!
//! One file per group of tables: `network.rs` (nodes, coordinates, ports, links),
//! `services.rs` (ship services, slots, pools, pipelines, trains, ships arriving),
//! `demand.rs` (flows, their routes and units, costs, weather), `overrides.rs`
//! (variants, sweeps); this file holds the checker they share, the settings and ids.

mod demand;
mod network;
mod overrides;
mod services;

use super::dist::{DistSpec, show};
use super::limits::*;
use super::path::Segment;
use super::schema::*;

/// A semantic problem: a field path, a message and what would be valid.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    /// Dotted field path, as shown to the user.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// What would be valid.
    pub valid: Option<String>,
    /// Where to point in the file when `path` cannot be parsed back (keys holding dots,
    /// such as the paths inside a variant's `scale`); the entry's key is marked.
    pub location: Option<Vec<Segment>>,
}

struct Checker<'a> {
    spec: &'a ScenarioSpec,
    issues: Vec<Issue>,
}

impl Checker<'_> {
    fn issue(&mut self, path: String, message: impl Into<String>, valid: impl Into<String>) {
        let valid = valid.into();
        self.issues.push(Issue {
            path,
            message: message.into(),
            valid: (!valid.is_empty()).then_some(valid),
            location: None,
        });
    }

    fn number(&mut self, path: String, x: f64, min: f64, max: f64, strict_min: bool) {
        let ok = x.is_finite() && if strict_min { x > min } else { x >= min } && x <= max;
        if !ok {
            let op = if strict_min { ">" } else { ">=" };
            self.issue(
                path,
                format!("{} is out of range", show(x)),
                format!("a finite number {op} {} and <= {}", show(min), show(max)),
            );
        }
    }

    fn count(&mut self, path: String, n: u64, min: u64, max: u64) {
        if n < min || n > max {
            let shown = if n < 1_000_000_000_000_000 { n.to_string() } else { show(n as f64) };
            self.issue(path, format!("{shown} is out of range"), format!("a whole number from {min} to {max}"));
        }
    }

    fn dist(&mut self, path: String, d: &DistSpec) {
        if let Err(e) = d.check() {
            let at = if e.field.is_empty() { path } else { format!("{path}.{}", e.field) };
            self.issue(at, e.message, e.valid);
        }
    }

    fn route_length(&mut self, path: String, len: usize) {
        if len > MAX_ROUTE_LENGTH {
            self.issue(path, format!("{len} entries"), format!("a route of at most {MAX_ROUTE_LENGTH} entries"));
        }
    }

    fn is_port(&self, id: &str) -> bool {
        self.spec.ports.contains_key(id)
    }

    fn is_node(&self, id: &str) -> bool {
        self.is_port(id) || self.spec.nodes.contains_key(id)
    }

    fn known_nodes(&self) -> String {
        let ids: Vec<&str> = self.spec.ports.keys().chain(self.spec.nodes.keys()).map(String::as_str).collect();
        format!("one of: {}", ids.join(", "))
    }

    fn known_ports(&self) -> String {
        format!("one of the ports: {}", self.spec.ports.keys().cloned().collect::<Vec<_>>().join(", "))
    }

    fn berths(&self, port: &str, class: BerthClass) -> u32 {
        self.spec.ports.get(port).and_then(|p| p.berths.get(&class)).map_or(0, |b| b.count)
    }

    fn sea_link(&self, a: &str, b: &str) -> bool {
        self.spec.sea_link_between(a, b).is_some()
    }

    fn rail_link(&self, a: &str, b: &str) -> bool {
        self.spec.rail_link_between(a, b).is_some()
    }

    fn months(&mut self, path: String, values: &[f64]) {
        const VALID: &str = "12 monthly numbers >= 0 (January first), not all 0";
        let found = if values.len() != 12 {
            Some(format!("{} values given", values.len()))
        } else if let Some((i, v)) =
            values.iter().enumerate().find(|(_, v)| !(v.is_finite() && **v >= 0.0 && **v <= MAX_QUANTITY))
        {
            Some(format!("{v} for month {} ({})", i + 1, MONTHS[i]))
        } else if values.iter().sum::<f64>() <= 0.0 {
            Some("all 12 are 0".to_string())
        } else {
            None
        };
        if let Some(found) = found {
            self.issue(path, found, VALID);
        }
    }
}

/// Month names for messages about monthly figures (January first).
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

pub(super) fn id_ok(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Checks `spec`; an empty list means it is valid. Candidate upgrades are checked
/// when a [`crate::scenario::Scenario`] is loaded, once, against its base.
pub fn check(spec: &ScenarioSpec) -> Vec<Issue> {
    let mut c = Checker { spec, issues: Vec::new() };
    settings_and_ids(&mut c);
    network::check(&mut c);
    services::check(&mut c);
    demand::check(&mut c);
    overrides::check(&mut c);
    c.issues
}

/// The `[scenario]` settings, and every id in the file.
fn settings_and_ids(c: &mut Checker<'_>) {
    let spec = c.spec;
    let s = &spec.scenario;
    c.number("scenario.horizon_days".into(), s.horizon_days, 0.0, MAX_HORIZON_DAYS, true);
    c.number("scenario.warmup_days".into(), s.warmup_days, 0.0, MAX_HORIZON_DAYS, false);
    c.count("scenario.replications".into(), s.replications, 2, MAX_REPLICATIONS);
    // A scenario document holds whole numbers up to 2⁶³ − 1 (planning, changes and
    // candidates are worked out on the document).
    c.count("scenario.seed".into(), s.seed, 0, i64::MAX as u64);
    c.count("scenario.max_consignments_in_system".into(), s.max_consignments_in_system, 1, MAX_CONSIGNMENTS_IN_SYSTEM);
    c.count("scenario.max_events_per_replication".into(), s.max_events_per_replication, 1, MAX_EVENTS_PER_REPLICATION);

    for (i, port) in s.focus_ports.iter().enumerate() {
        if !spec.ports.contains_key(port) {
            let valid = c.known_ports();
            c.issue(format!("scenario.focus_ports[{i}]"), format!("unknown port {port:?}"), valid);
        }
    }
    for (i, flow) in s.focus_flows.iter().enumerate() {
        if !spec.flows.contains_key(flow) {
            let valid = format!("one of the flows: {}", spec.flows.keys().cloned().collect::<Vec<_>>().join(", "));
            c.issue(format!("scenario.focus_flows[{i}]"), format!("unknown flow {flow:?}"), valid);
        }
    }

    let id_valid = "an id of 1-64 letters, digits, '_' or '-'";
    for (kind, ids) in [
        ("ports", spec.ports.keys().collect::<Vec<_>>()),
        ("nodes", spec.nodes.keys().collect()),
        ("sea_links", spec.sea_links.keys().collect()),
        ("rail_links", spec.rail_links.keys().collect()),
        ("ship_services", spec.ship_services.keys().collect()),
        ("pools", spec.pools.keys().collect()),
        ("pipelines", spec.pipelines.keys().collect()),
        ("train_services", spec.train_services.keys().collect()),
        ("ship_arrivals", spec.ship_arrivals.keys().collect()),
        ("flows", spec.flows.keys().collect()),
        ("weather", spec.weather.keys().collect()),
        ("variants", spec.variants.keys().collect()),
        ("changes", spec.changes.iter().filter(|(_, c)| !c.from_plan).map(|(id, _)| id).collect()),
        ("candidates", spec.candidates.keys().collect()),
        ("uncertain", spec.uncertain.keys().collect()),
    ] {
        for id in ids {
            if !id_ok(id) {
                c.issue(format!("{kind}.{id}"), format!("invalid id {id:?}"), id_valid);
            }
        }
    }
    for id in spec.nodes.keys().filter(|id| spec.ports.contains_key(*id)) {
        c.issue(format!("nodes.{id}"), format!("id {id:?} is already a port"), "ids unique across ports and nodes");
    }
}
