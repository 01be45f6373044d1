//! Semantic checks of a deserialised scenario: references, ranges and feasibility.
//! Each problem is reported with the dotted path of the field and what would be valid.

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

    for (id, node) in &spec.nodes {
        let p = format!("nodes.{id}");
        match (node.kind, node.servers, &node.dwell_hours) {
            (NodeKind::Transfer, servers, dwell) => {
                c.count(format!("{p}.servers"), servers.unwrap_or(0).into(), 1, MAX_BERTHS.into());
                match dwell {
                    Some(d) => c.dist(format!("{p}.dwell_hours"), d),
                    None => c.issue(
                        format!("{p}.dwell_hours"),
                        "a transfer point needs a handling time",
                        "a distribution such as { dist = \"triangular\", min = 2.0, mode = 4.0, max = 8.0 }",
                    ),
                }
            }
            (_, Some(_), _) | (_, _, Some(_)) => c.issue(
                p,
                "`servers` and `dwell_hours` belong to transfer points",
                "kind = \"transfer\", or remove them",
            ),
            _ => {}
        }
    }

    for (p, (lon, lat)) in spec
        .ports
        .iter()
        .map(|(id, port)| (format!("ports.{id}"), (port.lon, port.lat)))
        .chain(spec.nodes.iter().map(|(id, node)| (format!("nodes.{id}"), (node.lon, node.lat))))
    {
        match (lon, lat) {
            (Some(lon), Some(lat)) => {
                c.number(format!("{p}.lon"), lon, -180.0, 180.0, false);
                c.number(format!("{p}.lat"), lat, -90.0, 90.0, false);
            }
            (Some(_), None) => c.issue(format!("{p}.lon"), "`lon` without `lat`", "both lon and lat, or neither"),
            (None, Some(_)) => c.issue(format!("{p}.lat"), "`lat` without `lon`", "both lon and lat, or neither"),
            (None, None) => {}
        }
    }
    for (id, port) in &spec.ports {
        c.number(format!("ports.{id}.yard_capacity_tonnes"), port.yard_capacity_tonnes, 0.0, MAX_QUANTITY, false);
        if let Some(depth) = port.depth_m {
            c.number(format!("ports.{id}.depth_m"), depth, 0.0, MAX_DEPTH_M, true);
        }
        for (class, berth) in &port.berths {
            let p = format!("ports.{id}.berths.{}", class.name());
            c.count(format!("{p}.count"), berth.count.into(), 0, MAX_BERTHS.into());
            c.number(format!("{p}.berthing_hours"), berth.berthing_hours, 0.0, 1e4, false);
            let per_unit = !berth.unit_hours.is_empty();
            match (&berth.handling_tonnes_per_hour, &berth.service_hours) {
                (Some(rate), None) => c.number(format!("{p}.handling_tonnes_per_hour"), *rate, 0.0, MAX_QUANTITY, true),
                (None, Some(d)) if !per_unit => c.dist(format!("{p}.service_hours"), d),
                (None, None) if per_unit => {}
                (_, Some(_)) if per_unit => c.issue(
                    format!("{p}.unit_hours"),
                    "unit_hours with service_hours: a sampled call already includes its handling",
                    "unit_hours with handling_tonnes_per_hour, or alone",
                ),
                _ => c.issue(
                    p.clone(),
                    "give either a handling rate or a service-time distribution",
                    "exactly one of `handling_tonnes_per_hour` and `service_hours` (or `unit_hours`)",
                ),
            }
            for (unit, hours) in &berth.unit_hours {
                c.number(format!("{p}.unit_hours.{unit}"), *hours, 0.0, MAX_UNIT_HOURS, false);
                if !spec.flows.values().any(|f| f.unit.as_deref() == Some(unit.as_str())) {
                    let mut known: Vec<&str> = spec.flows.values().filter_map(|f| f.unit.as_deref()).collect();
                    known.sort_unstable();
                    known.dedup();
                    let valid = if known.is_empty() {
                        "a unit some flow travels in; no flow has a `unit`".to_string()
                    } else {
                        format!("a unit some flow travels in: {}", known.join(", "))
                    };
                    c.issue(format!("{p}.unit_hours.{unit}"), format!("no flow travels in {unit:?}"), valid);
                }
            }
        }
    }

    for (id, link) in &spec.sea_links {
        for (i, end) in link.between.iter().enumerate() {
            if !c.is_port(end) {
                let valid = c.known_ports();
                c.issue(format!("sea_links.{id}.between[{i}]"), format!("unknown port {end:?}"), valid);
            }
        }
        if link.between[0] == link.between[1] {
            c.issue(format!("sea_links.{id}.between"), "a link needs two different ports", "two different port ids");
        }
        c.dist(format!("sea_links.{id}.sailing_hours"), &link.sailing_hours);
    }
    for (id, link) in &spec.rail_links {
        for (i, end) in link.between.iter().enumerate() {
            if !c.is_node(end) {
                let valid = c.known_nodes();
                c.issue(format!("rail_links.{id}.between[{i}]"), format!("unknown node {end:?}"), valid);
            }
        }
        if link.between[0] == link.between[1] {
            c.issue(format!("rail_links.{id}.between"), "a link needs two different nodes", "two different node ids");
        }
        c.dist(format!("rail_links.{id}.transit_hours"), &link.transit_hours);
        c.number(format!("rail_links.{id}.trains_per_day"), link.trains_per_day, 0.0, MAX_TRAINS_PER_DAY, true);
    }

    for (id, svc) in &spec.ship_services {
        let p = format!("ship_services.{id}");
        c.count(format!("{p}.vessels"), svc.vessels.into(), 0, MAX_VESSELS.into());
        c.number(format!("{p}.capacity_tonnes"), svc.capacity_tonnes, 0.0, MAX_QUANTITY, true);
        match (svc.draught_m, svc.tonnes_per_cm) {
            (Some(draught), Some(tpc)) => {
                c.number(format!("{p}.draught_m"), draught, 0.0, MAX_DEPTH_M, true);
                c.number(format!("{p}.tonnes_per_cm"), tpc, 0.0, MAX_QUANTITY, true);
            }
            (Some(_), None) => c.issue(
                format!("{p}.draught_m"),
                "a draught without tonnes_per_cm cannot say how much less the vessel loads",
                "draught_m with tonnes_per_cm (tonnes per centimetre of immersion), or neither",
            ),
            (None, Some(_)) => c.issue(
                format!("{p}.tonnes_per_cm"),
                "tonnes_per_cm without a draught",
                "tonnes_per_cm with draught_m (the design draught at full load), or neither",
            ),
            (None, None) => {}
        }
        c.number(format!("{p}.fill_threshold"), svc.fill_threshold, 0.0, 1.0, false);
        c.number(format!("{p}.max_wait_hours"), svc.max_wait_hours, 0.0, 1e5, false);
        c.route_length(format!("{p}.route"), svc.route.len());
        if svc.route.len() < 2 {
            c.issue(format!("{p}.route"), "a loop needs at least two ports", "a list of 2 or more port ids");
        }
        for (i, port) in svc.route.iter().enumerate() {
            if !c.is_port(port) {
                let valid = c.known_ports();
                c.issue(format!("{p}.route[{i}]"), format!("unknown port {port:?}"), valid);
                continue;
            }
            if svc.vessels > 0 && c.berths(port, svc.class) == 0 {
                c.issue(
                    format!("{p}.route[{i}]"),
                    format!("port {port:?} has no {} berths for this service's vessels", svc.class.name()),
                    format!("add `[ports.{port}.berths.{}]` with count >= 1", svc.class.name()),
                );
            }
            let next = &svc.route[(i + 1) % svc.route.len()];
            if svc.route.len() >= 2 && c.is_port(next) && port != next && !c.sea_link(port, next) {
                c.issue(
                    format!("{p}.route[{i}]"),
                    format!("no sea link between {port:?} and {next:?}"),
                    "consecutive ports (and last → first) joined by a `[sea_links.*]`",
                );
            }
            if port == next {
                c.issue(format!("{p}.route[{i}]"), "the same port twice in a row", "consecutive ports that differ");
            }
        }
        check_slots(&mut c, &p, svc);
    }

    check_pools(&mut c);

    for (id, pipe) in &spec.pipelines {
        let p = format!("pipelines.{id}");
        for (i, node) in pipe.route.iter().enumerate() {
            if !c.is_node(node) {
                let valid = c.known_nodes();
                c.issue(format!("{p}.route[{i}]"), format!("unknown node {node:?}"), valid);
            }
        }
        if pipe.route[0] == pipe.route[1] {
            c.issue(format!("{p}.route"), "a pipeline needs two different nodes", "two different node ids");
        }
        c.number(format!("{p}.tonnes_per_hour"), pipe.tonnes_per_hour, 0.0, MAX_QUANTITY, true);
        if let Some(d) = &pipe.transit_hours {
            c.dist(format!("{p}.transit_hours"), d);
        }
    }

    for (id, svc) in &spec.train_services {
        let p = format!("train_services.{id}");
        for (i, node) in svc.route.iter().enumerate() {
            if !c.is_node(node) {
                let valid = c.known_nodes();
                c.issue(format!("{p}.route[{i}]"), format!("unknown node {node:?}"), valid);
            }
        }
        if c.is_node(&svc.route[0]) && c.is_node(&svc.route[1]) && !c.rail_link(&svc.route[0], &svc.route[1]) {
            c.issue(
                format!("{p}.route"),
                format!("no rail link between {:?} and {:?}", svc.route[0], svc.route[1]),
                "two nodes joined by a `[rail_links.*]`",
            );
        }
        c.count(format!("{p}.trainsets"), svc.trainsets.into(), 0, MAX_TRAINSETS.into());
        c.count(format!("{p}.wagons"), svc.wagons.into(), 1, MAX_WAGONS.into());
        c.number(format!("{p}.tonnes_per_wagon"), svc.tonnes_per_wagon, 0.0, 1e5, true);
        c.number(format!("{p}.max_wait_hours"), svc.max_wait_hours, 0.0, 1e5, false);
        c.number(format!("{p}.loading_hours"), svc.loading_hours, 0.0, 1e4, false);
        c.number(format!("{p}.unloading_hours"), svc.unloading_hours, 0.0, 1e4, false);
        match (svc.departure, svc.timetable_hours) {
            (DeparturePolicy::Timetable, Some(h)) => c.number(format!("{p}.timetable_hours"), h, 0.0, 1e5, true),
            (DeparturePolicy::Timetable, None) => {
                c.issue(format!("{p}.timetable_hours"), "a timetable needs an interval", "a number of hours > 0")
            }
            (DeparturePolicy::WhenFull, Some(_)) => c.issue(
                format!("{p}.timetable_hours"),
                "only used with departure = \"timetable\"",
                "remove it, or set departure = \"timetable\"",
            ),
            (DeparturePolicy::WhenFull, None) => {}
        }
    }

    for (id, arr) in &spec.ship_arrivals {
        let p = format!("ship_arrivals.{id}");
        if !c.is_port(&arr.port) {
            let valid = c.known_ports();
            c.issue(format!("{p}.port"), format!("unknown port {:?}", arr.port), valid);
        } else if c.berths(&arr.port, arr.class) == 0 {
            c.issue(
                format!("{p}.class"),
                format!("port {:?} has no {} berths", arr.port, arr.class.name()),
                format!("add `[ports.{}.berths.{}]` with count >= 1", arr.port, arr.class.name()),
            );
        }
        c.number(format!("{p}.ships_per_year"), arr.ships_per_year, 0.0, MAX_SHIPS_PER_YEAR, false);
        c.dist(format!("{p}.cargo_tonnes"), &arr.cargo_tonnes);
        c.number(format!("{p}.parcel_tonnes"), arr.parcel_tonnes, 0.0, MAX_QUANTITY, true);
        // Each parcel is an event and a consignment: bound them, as other limits do.
        let per_ship = arr.cargo_tonnes.mean() / arr.parcel_tonnes;
        if arr.continues_as.is_some()
            && arr.landing == Landing::AsHandled
            && arr.parcel_tonnes > 0.0
            && per_ship.is_finite()
            && per_ship > MAX_PARCELS_PER_SHIP
        {
            c.issue(
                format!("{p}.parcel_tonnes"),
                format!(
                    "{} t parcels make {per_ship:.0} parcels of an average ship's cargo ({} t); the limit is {MAX_PARCELS_PER_SHIP:.0} a ship, to keep every run in memory and time",
                    arr.parcel_tonnes,
                    arr.cargo_tonnes.mean()
                ),
                format!("parcel_tonnes >= {}", arr.cargo_tonnes.mean() / MAX_PARCELS_PER_SHIP),
            );
        }
        if let Some(flow) = &arr.continues_as {
            match spec.flows.get(flow) {
                None => {
                    let valid =
                        format!("one of the flows: {}", spec.flows.keys().cloned().collect::<Vec<_>>().join(", "));
                    c.issue(format!("{p}.continues_as"), format!("unknown flow {flow:?}"), valid);
                }
                Some(f) if f.routes.is_empty() && f.route.first() != Some(&arr.port) => c.issue(
                    format!("{p}.continues_as"),
                    format!(
                        "flow {flow:?} starts at {:?}, not at this port {:?}",
                        f.route.first().cloned().unwrap_or_default(),
                        arr.port
                    ),
                    format!("a flow whose route starts at {:?}", arr.port),
                ),
                Some(_) => {}
            }
        }
    }

    for (id, flow) in &spec.flows {
        check_flow(&mut c, id, flow);
    }
    check_costs(&mut c);

    for (id, w) in &spec.weather {
        let p = format!("weather.{id}");
        if w.ports.is_empty() && w.close_probability.is_empty() && w.sea_links.is_empty() {
            c.issue(
                format!("{p}.ports"),
                "a storm area that touches nothing",
                "`ports`, `close_probability` or `sea_links` listing what its storms close",
            );
        }
        for (port, probability) in &w.close_probability {
            let path = format!("{p}.close_probability.{port}");
            if !c.is_port(port) {
                let valid = c.known_ports();
                c.issue(path, format!("unknown port {port:?}"), valid);
            } else if w.ports.contains(port) {
                c.issue(
                    path,
                    format!("port {port:?} is also in `ports`"),
                    "each port in `ports` or in `close_probability`, not both",
                );
            } else {
                c.number(path, *probability, 0.0, 1.0, false);
            }
        }
        for (i, link) in w.sea_links.iter().enumerate() {
            if !spec.sea_links.contains_key(link) {
                let valid =
                    format!("one of the sea links: {}", spec.sea_links.keys().cloned().collect::<Vec<_>>().join(", "));
                c.issue(format!("{p}.sea_links[{i}]"), format!("unknown sea link {link:?}"), valid);
            }
        }
        for (i, port) in w.ports.iter().enumerate() {
            if !c.is_port(port) {
                let valid = c.known_ports();
                c.issue(format!("{p}.ports[{i}]"), format!("unknown port {port:?}"), valid);
            }
        }
        c.number(format!("{p}.storms_per_year"), w.storms_per_year, 0.0, MAX_STORMS_PER_YEAR, false);
        if let Some(m) = &w.monthly_weights {
            c.months(format!("{p}.monthly_weights"), m);
        }
        c.dist(format!("{p}.duration_hours"), &w.duration_hours);
    }

    if spec.variants.len() > MAX_VARIANTS {
        c.issue(
            "variants".into(),
            format!("{} variants declared", spec.variants.len()),
            format!("at most {MAX_VARIANTS} variants in one file"),
        );
    }
    for (id, v) in &spec.variants {
        let p = format!("variants.{id}");
        for (i, parent) in v.extends.iter().enumerate() {
            if !spec.variants.contains_key(parent) {
                let names: Vec<&str> = spec.variants.keys().map(String::as_str).collect();
                c.issue(
                    format!("{p}.extends[{i}]"),
                    format!("unknown variant {parent:?}"),
                    format!("one of: {}", names.join(", ")),
                );
            }
        }
        if let Some(f) = v.demand_factor {
            c.number(format!("{p}.demand_factor"), f, 0.0, MAX_DEMAND_FACTOR, true);
        }
        for (path, f) in &v.scale {
            let before = c.issues.len();
            c.number(format!("{p}.scale.\"{path}\""), *f, 0.0, MAX_DEMAND_FACTOR, false);
            if let Some(issue) = c.issues.get_mut(before) {
                issue.location = Some(vec![
                    Segment::Key("variants".into()),
                    Segment::Key(id.clone()),
                    Segment::Key("scale".into()),
                    Segment::Key(path.clone()),
                ]);
            }
        }
        let tags = spec.demand_tags();
        for (i, tag) in v.demand_tags.iter().enumerate() {
            if !tags.contains(tag.as_str()) {
                c.issue(
                    format!("{p}.demand_tags[{i}]"),
                    format!("no flow or arrival has the tag {tag:?}"),
                    format!("one of: {}", tags.into_iter().collect::<Vec<_>>().join(", ")),
                );
                break;
            }
        }
    }
    if let Some(sweep) = &spec.sweep {
        if sweep.axes.is_empty() || sweep.axes.len() > 2 {
            c.issue("sweep.axes".into(), format!("{} axes given", sweep.axes.len()), "one or two `[[sweep.axes]]`");
        }
        let points = sweep.axes.iter().map(|a| a.values.len()).fold(1usize, |acc, n| acc.saturating_mul(n));
        if points > MAX_SWEEP_POINTS {
            c.issue(
                "sweep.axes".into(),
                format!("{points} points in the grid"),
                format!("at most {MAX_SWEEP_POINTS} points (the product of the axes' lengths)"),
            );
        }
        for (i, axis) in sweep.axes.iter().enumerate() {
            if axis.parameter == super::schema::DEMAND_FACTOR {
                let tags = spec.demand_tags();
                if let Some((j, tag)) = axis.tags.iter().enumerate().find(|(_, t)| !tags.contains(t.as_str())) {
                    c.issue(
                        format!("sweep.axes[{i}].tags[{j}]"),
                        format!("no flow or arrival has the tag {tag:?}"),
                        format!("one of: {}", tags.into_iter().collect::<Vec<_>>().join(", ")),
                    );
                }
                for (j, value) in axis.values.iter().enumerate() {
                    match value.as_f64() {
                        Some(f) => c.number(format!("sweep.axes[{i}].values[{j}]"), f, 0.0, MAX_DEMAND_FACTOR, true),
                        None => c.issue(
                            format!("sweep.axes[{i}].values[{j}]"),
                            "a demand factor must be a number",
                            format!("a number above 0 and at most {MAX_DEMAND_FACTOR}"),
                        ),
                    }
                }
            } else if !axis.tags.is_empty() {
                c.issue(
                    format!("sweep.axes[{i}].tags"),
                    "`tags` belongs to a demand_factor axis",
                    "parameter = \"demand_factor\", or remove `tags`",
                );
            }
            if axis.values.is_empty() || axis.values.len() > MAX_SWEEP_VALUES {
                c.issue(
                    format!("sweep.axes[{i}].values"),
                    format!("{} values given", axis.values.len()),
                    format!("1 to {MAX_SWEEP_VALUES} values"),
                );
            }
        }
        if let Some(base) = &sweep.base
            && !spec.variants.contains_key(base)
        {
            c.issue("sweep.base".into(), format!("unknown variant {base:?}"), "the id of a variant in this file");
        }
    }
    c.issues
}

fn check_flow(c: &mut Checker<'_>, id: &str, flow: &FlowSpec) {
    let p = format!("flows.{id}");
    check_units(c, &p, flow);
    let fed = c.spec.ship_arrivals.values().any(|a| a.continues_as.as_deref() == Some(id));
    match (flow.annual_tonnes, flow.annual_teu, flow.tonnes_per_teu) {
        (None, None, None) if fed => {}
        (Some(t), None, None) => c.number(format!("{p}.annual_tonnes"), t, 0.0, MAX_QUANTITY, false),
        (None, Some(teu), Some(tpt)) => {
            c.number(format!("{p}.annual_teu"), teu, 0.0, MAX_QUANTITY, false);
            c.number(format!("{p}.tonnes_per_teu"), tpt, 0.0, 100.0, true);
        }
        _ => c.issue(
            p.clone(),
            "volume is missing or given twice",
            "either `annual_tonnes`, or both `annual_teu` and `tonnes_per_teu`",
        ),
    }
    let own_volume = flow.annual_tonnes.is_some() || flow.annual_teu.is_some();
    let size = match &flow.consignment_tonnes {
        Some(d) => Some(d),
        None if !own_volume && fed => None,
        None => {
            c.issue(
                format!("{p}.consignment_tonnes"),
                "missing: a flow with an annual volume needs a consignment size",
                "a distribution such as { dist = \"erlang\", k = 3, mean = 300.0 }",
            );
            None
        }
    };
    if let Some(size) = size {
        c.dist(format!("{p}.consignment_tonnes"), size);
    }
    if let Some(size) = size.filter(|d| d.check().is_ok()) {
        let mean = size.mean();
        let annual =
            flow.annual_tonnes.unwrap_or_else(|| flow.annual_teu.unwrap_or(0.0) * flow.tonnes_per_teu.unwrap_or(0.0));
        if mean < 1e-3 {
            c.issue(
                format!("{p}.consignment_tonnes"),
                format!("mean consignment of {mean} t"),
                "a distribution with mean >= 0.001 t",
            );
        } else if annual / mean / 8_760.0 > MAX_CONSIGNMENTS_PER_HOUR {
            c.issue(
                format!("{p}.consignment_tonnes"),
                "this would create more than 100,000 consignments per hour",
                "larger consignments or a smaller annual volume",
            );
        }
    }
    if let Some(m) = &flow.seasonality {
        c.months(format!("{p}.seasonality"), m);
    }
    if flow.value_of_time_per_tonne_day != 0.0 {
        c.number(
            format!("{p}.value_of_time_per_tonne_day"),
            flow.value_of_time_per_tonne_day,
            0.0,
            MAX_QUANTITY,
            false,
        );
    }
    if let Some(o) = &flow.outside_option {
        let q = format!("{p}.outside_option");
        c.number(format!("{q}.cost_per_tonne"), o.cost_per_tonne, 0.0, MAX_QUANTITY, false);
        c.number(format!("{q}.days"), o.days, 0.0, MAX_HORIZON_DAYS, false);
        c.number(format!("{q}.scale"), o.scale, 0.0, MAX_QUANTITY, true);
        if let Some(days) = o.corridor_days {
            c.number(format!("{q}.corridor_days"), days, 0.0, MAX_HORIZON_DAYS, false);
        }
        if !flow.routes.is_empty() {
            c.issue(
                q.clone(),
                "an outside option with alternative routes: the corridor's cost would depend on the route chosen",
                "an outside option on a flow with one `route`",
            );
        }
    }
    let mean = size.filter(|d| d.check().is_ok()).map(DistSpec::mean);
    if flow.routes.is_empty() {
        check_route(c, id, flow, &format!("{p}.route"), &flow.route, mean);
        return;
    }
    if !flow.route.is_empty() {
        c.issue(
            format!("{p}.route"),
            "both `route` and `routes` given",
            "either one `route` or named alternative `routes`",
        );
    }
    if flow.routes.len() > MAX_ROUTES {
        c.issue(format!("{p}.routes"), format!("{} routes", flow.routes.len()), format!("at most {MAX_ROUTES}"));
        return;
    }
    if c.spec.ship_arrivals.values().any(|a| a.continues_as.as_deref() == Some(id)) {
        c.issue(
            format!("{p}.routes"),
            "cargo landed by ship arrivals continues on one route",
            "a single `route` for a flow fed by `continues_as`",
        );
    }
    let mut shares = 0.0;
    for (name, r) in &flow.routes {
        let rp = format!("{p}.routes.{name}");
        if !id_ok(name) {
            c.issue(rp.clone(), format!("route name {name:?}"), "letters, digits, '_' or '-' (at most 64)");
        }
        check_route(c, id, flow, &format!("{rp}.route"), &r.route, mean);
        match r.share {
            Some(x) => {
                c.number(format!("{rp}.share"), x, 0.0, 1.0, false);
                shares += x;
            }
            None if flow.choice == RouteChoice::Shares => {
                c.issue(
                    format!("{rp}.share"),
                    "missing: with choice = \"shares\" every route needs a share",
                    "a share from 0 to 1; a flow's shares sum to 1",
                );
            }
            None => {}
        }
        if let Some(d) = r.expected_days {
            c.number(format!("{rp}.expected_days"), d, 0.0, MAX_HORIZON_DAYS, false);
        }
    }
    let all_shares = flow.routes.values().all(|r| r.share.is_some());
    if all_shares && (shares - 1.0).abs() > 1e-6 {
        c.issue(format!("{p}.routes"), format!("the routes' shares sum to {}", show(shares)), "shares that sum to 1");
    }
}

/// One route of flow `id` (its `route`, or one of its `routes`), at `path`.
fn check_route(c: &mut Checker<'_>, id: &str, flow: &FlowSpec, path: &str, route: &[String], mean: Option<f64>) {
    let spec = c.spec;
    let p = format!("flows.{id}");
    c.route_length(path.to_string(), route.len());
    if route.len() < 2 {
        c.issue(path.to_string(), "a route needs an origin and a destination", "a list of 2 or more node ids");
    }
    let mut all_known = true;
    for (i, node) in route.iter().enumerate() {
        if !c.is_node(node) {
            all_known = false;
            let valid = c.known_nodes();
            c.issue(format!("{path}[{i}]"), format!("unknown node {node:?}"), valid);
        } else if route[..i].contains(node) {
            c.issue(
                format!("{path}[{i}]"),
                format!("node {node:?} appears twice"),
                "a route that visits each node once",
            );
        }
    }
    if !all_known {
        return;
    }
    for (i, leg) in route.windows(2).enumerate() {
        let (from, to) = (&leg[0], &leg[1]);
        let (capacity, carrier) = match spec.leg_carrier(flow.class, flow.unit.as_deref(), from, to) {
            Some(LegCarrier::Ship(s)) => (spec.ship_services[s].capacity_tonnes, format!("ship service {s:?}")),
            Some(LegCarrier::Train(t)) => {
                let t_spec = &spec.train_services[t];
                (t_spec.wagons as f64 * t_spec.tonnes_per_wagon, format!("train service {t:?}"))
            }
            Some(LegCarrier::Pipeline(x)) => (f64::INFINITY, format!("pipeline {x:?}")),
            None => {
                let cargo = match &flow.unit {
                    Some(u) => format!("{} cargo in {u} units", flow.class.name()),
                    None => format!("{} cargo", flow.class.name()),
                };
                c.issue(
                    format!("{path}[{}]", i + 1),
                    format!("no service carries {cargo} from {from:?} to {to:?}"),
                    format!("a ship service calling at both ports (of class {}, or with `slots` for the flow's unit), a train service with route [\"{from}\", \"{to}\"], or a pipeline", flow.class.name()),
                );
                continue;
            }
        };
        if let Some(per_unit) = flow.tonnes_per_unit
            && capacity.is_finite()
            && per_unit > capacity
        {
            c.issue(
                format!("{p}.tonnes_per_unit"),
                format!(
                    "one unit ({} t) is heavier than what the {carrier} carries at once ({} t)",
                    show(per_unit),
                    show(capacity)
                ),
                format!("at most {} t a unit", show(capacity)),
            );
        }
        // Starved flows: a carrier or a yard that cannot hold an average consignment
        // would move the flow only in slivers, or not at all.
        if let Some(mean) = mean
            && capacity.is_finite()
            && capacity < mean
        {
            c.issue(
                format!("{p}.consignment_tonnes"),
                format!(
                    "an average consignment ({} t) is larger than what the {carrier} carries at once ({} t), so the flow would move in slivers or starve",
                    show(mean),
                    show(capacity)
                ),
                format!("consignments of at most {} t on average, or a larger carrier", show(capacity)),
            );
        }
        if let (Some(per_unit), Some(port)) = (flow.tonnes_per_unit, spec.ports.get(from.as_str()))
            && port.yard_capacity_tonnes.is_finite()
            && port.yard_capacity_tonnes < per_unit
        {
            c.issue(
                format!("ports.{from}.yard_capacity_tonnes"),
                format!(
                    "the yard ({} t) cannot hold one unit of flow {id:?} ({} t), which waits there for its next leg",
                    show(port.yard_capacity_tonnes),
                    show(per_unit)
                ),
                format!("at least {} t", show(per_unit)),
            );
        }
        if let (Some(mean), Some(port)) = (mean, spec.ports.get(from.as_str()))
            && port.yard_capacity_tonnes.is_finite()
            && port.yard_capacity_tonnes < mean
        {
            c.issue(
                format!("ports.{from}.yard_capacity_tonnes"),
                format!(
                    "the yard ({} t) cannot hold an average consignment of flow {id:?} ({} t), which waits there for its next leg; the flow would starve",
                    show(port.yard_capacity_tonnes),
                    show(mean)
                ),
                format!("at least {} t, or a route that does not pass through {from:?}", show(mean)),
            );
        }
    }
}

/// The most cargo units one ship service may have slots for (see
/// `model::fleet_time::MAX_UNITS_PER_SERVICE`).
const MAX_SLOT_UNITS: usize = 8;

/// A ship service's slots, caps, loading order and waiting ports.
/// Pools: two or more known ship services, each in one pool only, of one berth
/// class, all calling at the release port.
fn check_pools(c: &mut Checker<'_>) {
    let spec = c.spec;
    let mut pooled: std::collections::BTreeMap<&str, &str> = Default::default();
    for (id, pool) in &spec.pools {
        let p = format!("pools.{id}");
        if pool.services.len() < 2 {
            c.issue(format!("{p}.services"), "a pool needs two or more lines", "a list of 2 or more ship service ids");
        }
        let mut lines = Vec::new();
        for (i, svc) in pool.services.iter().enumerate() {
            let at = format!("{p}.services[{i}]");
            let Some(def) = spec.ship_services.get(svc) else {
                let known = spec.ship_services.keys().cloned().collect::<Vec<_>>().join(", ");
                c.issue(at, format!("unknown ship service {svc:?}"), format!("one of the ship services: {known}"));
                continue;
            };
            if let Some(other) = pooled.insert(svc, id) {
                let message = if other == id.as_str() {
                    format!("{svc:?} is listed twice")
                } else {
                    format!("{svc:?} is already in pool {other:?}")
                };
                c.issue(at, message, "each ship service in one pool at most, once");
                continue;
            }
            lines.push((i, svc, def));
        }
        // A line that starts without vessels still receives them: its ports need berths.
        for &(i, svc, def) in lines.iter().filter(|(_, _, d)| d.vessels == 0) {
            let bare: Vec<&String> =
                def.route.iter().filter(|port| c.is_port(port) && c.berths(port, def.class) == 0).collect();
            for port in bare {
                c.issue(
                    format!("{p}.services[{i}]"),
                    format!("line {svc:?} calls at {port:?}, which has no {} berths", def.class.name()),
                    format!("add `[ports.{port}.berths.{}]` with count >= 1", def.class.name()),
                );
            }
        }
        let Some(&(_, first, first_def)) = lines.first() else { continue };
        for &(i, svc, def) in &lines[1..] {
            if def.class != first_def.class {
                c.issue(
                    format!("{p}.services[{i}]"),
                    format!(
                        "{svc:?} uses {} berths, {first:?} {}: a pooled vessel is one kind of ship",
                        def.class.name(),
                        first_def.class.name()
                    ),
                    "lines of one berth class",
                );
            }
        }
        match &pool.release_at {
            Some(port) => {
                for &(i, svc, def) in &lines {
                    if !def.route.contains(port) {
                        c.issue(
                            format!("{p}.release_at"),
                            format!("line {svc:?} (services[{i}]) does not call at {port:?}"),
                            "a port every line of the pool calls at",
                        );
                    }
                }
            }
            None => {
                let common = first_def.route.iter().find(|port| lines.iter().all(|(_, _, d)| d.route.contains(port)));
                if common.is_none() && lines.len() == pool.services.len() {
                    c.issue(
                        format!("{p}.services"),
                        "the lines have no port in common, where vessels could change line",
                        "lines that all call at one port (the release port)",
                    );
                }
            }
        }
    }
}

fn check_slots(c: &mut Checker<'_>, p: &str, svc: &crate::scenario::ShipServiceSpec) {
    if svc.slots.len() > MAX_SLOT_UNITS {
        c.issue(format!("{p}.slots"), format!("{} units", svc.slots.len()), format!("at most {MAX_SLOT_UNITS} units"));
    }
    for (unit, &n) in &svc.slots {
        if !id_ok(unit) {
            c.issue(
                format!("{p}.slots.{unit}"),
                format!("invalid unit name {unit:?}"),
                "a name of 1-64 letters, digits, '_' or '-'",
            );
        }
        c.count(format!("{p}.slots.{unit}"), n.into(), 1, 100_000);
    }
    let units = || format!("one of the units in `slots`: {}", svc.slots.keys().cloned().collect::<Vec<_>>().join(", "));
    for unit in svc.max_units.keys() {
        if !svc.slots.contains_key(unit) {
            c.issue(format!("{p}.max_units.{unit}"), format!("no slots for unit {unit:?}"), units());
        }
    }
    for (i, unit) in svc.loading_order.iter().enumerate() {
        if !svc.slots.contains_key(unit) {
            c.issue(format!("{p}.loading_order[{i}]"), format!("no slots for unit {unit:?}"), units());
        } else if svc.loading_order[..i].contains(unit) {
            c.issue(format!("{p}.loading_order[{i}]"), format!("unit {unit:?} appears twice"), "each unit once");
        }
    }
    for (i, port) in svc.wait_for_cargo_at.iter().flatten().enumerate() {
        if !svc.route.contains(port) {
            c.issue(
                format!("{p}.wait_for_cargo_at[{i}]"),
                format!("port {port:?} is not on the service's route"),
                format!("one of the ports of the route: {}", svc.route.join(", ")),
            );
        }
    }
}

/// A flow's unit, tonnes per unit and the return of its empty units.
fn check_units(c: &mut Checker<'_>, p: &str, flow: &crate::scenario::FlowSpec) {
    let Some(unit) = &flow.unit else {
        for (field, given) in
            [("tonnes_per_unit", flow.tonnes_per_unit.is_some()), ("empty_return", flow.empty_return.is_some())]
        {
            if given {
                c.issue(
                    format!("{p}.{field}"),
                    "the flow has no `unit`",
                    "a `unit` (e.g. \"wagon\") with it, or no such field",
                );
            }
        }
        return;
    };
    if !id_ok(unit) {
        c.issue(
            format!("{p}.unit"),
            format!("invalid unit name {unit:?}"),
            "a name of 1-64 letters, digits, '_' or '-'",
        );
    }
    let per_unit = flow.tonnes_per_unit.or(if unit == "teu" { flow.tonnes_per_teu } else { None });
    match per_unit {
        Some(t) => c.number(format!("{p}.tonnes_per_unit"), t, 0.0, 10_000.0, true),
        None => c.issue(
            format!("{p}.tonnes_per_unit"),
            "missing: the weight of one unit of cargo",
            "tonnes per unit, e.g. 50 for a wagon",
        ),
    }
    let Some(ret) = &flow.empty_return else { return };
    c.number(format!("{p}.empty_return.share"), ret.share, 0.0, 1.0, false);
    if !flow.routes.is_empty() && ret.route.is_none() {
        c.issue(
            format!("{p}.empty_return.route"),
            "missing: a flow with alternative routes needs its empties' route",
            "the node ids the empty units travel, first the node where they are handed over",
        );
        return;
    }
    let route: Vec<String> = ret.route.clone().unwrap_or_else(|| flow.route.iter().rev().cloned().collect());
    c.route_length(format!("{p}.empty_return.route"), route.len());
    if route.len() < 2 {
        c.issue(format!("{p}.empty_return.route"), "a route needs at least two nodes", "a list of 2 or more node ids");
    }
    for (i, node) in route.iter().enumerate() {
        if !c.is_node(node) {
            let valid = c.known_nodes();
            c.issue(format!("{p}.empty_return.route[{i}]"), format!("unknown node {node:?}"), valid);
            return;
        } else if route[..i].contains(node) {
            c.issue(
                format!("{p}.empty_return.route[{i}]"),
                format!("node {node:?} appears twice"),
                "a route that visits each node once",
            );
            return;
        }
    }
    let Some(first) = route.first() else { return };
    let reached = flow.route.contains(first) || flow.routes.values().any(|r| r.route.contains(first));
    if ret.route.is_some() && !reached {
        c.issue(
            format!("{p}.empty_return.route[0]"),
            format!("node {:?} is not on the flow's route, so no loaded units reach it", route[0]),
            format!("one of the flow's nodes: {}", flow.route.join(", ")),
        );
    }
    for (i, leg) in route.windows(2).enumerate() {
        let on_ships =
            matches!(c.spec.leg_carrier(flow.class, Some(unit), &leg[0], &leg[1]), Some(LegCarrier::Ship(_)));
        if !on_ships {
            c.issue(
                format!("{p}.empty_return.route[{}]", i + 1),
                format!("no ship service carries empty {unit} units from {:?} to {:?} (empties travel by ship only)", leg[0], leg[1]),
                format!("a ship service calling at both ports with `slots` for {unit:?} (or of class {}), or a return route over such legs", flow.class.name()),
            );
        }
    }
}

/// Tariffs, charges and emission factors: not negative, and distances wherever an
/// emission factor per tonne-km needs one.
fn check_costs(c: &mut Checker<'_>) {
    let spec = c.spec;
    let money = |c: &mut Checker<'_>, path: String, x: f64| {
        if x != 0.0 {
            c.number(path, x, 0.0, MAX_QUANTITY, false);
        }
    };
    for (id, port) in &spec.ports {
        money(c, format!("ports.{id}.charge_per_tonne"), port.charge_per_tonne);
        money(c, format!("ports.{id}.co2_kg_per_tonne"), port.co2_kg_per_tonne);
    }
    for (id, l) in &spec.sea_links {
        if let Some(d) = l.distance_km {
            c.number(format!("sea_links.{id}.distance_km"), d, 0.0, 100_000.0, true);
        }
    }
    for (id, l) in &spec.rail_links {
        if let Some(d) = l.length_km {
            c.number(format!("rail_links.{id}.length_km"), d, 0.0, 100_000.0, true);
        }
    }
    for (id, svc) in &spec.ship_services {
        let p = format!("ship_services.{id}");
        money(c, format!("{p}.tariff_per_tonne"), svc.tariff_per_tonne);
        money(c, format!("{p}.co2_g_per_tonne_km"), svc.co2_g_per_tonne_km);
        for (unit, x) in &svc.tariff_per_unit {
            money(c, format!("{p}.tariff_per_unit.{unit}"), *x);
        }
        if svc.co2_g_per_tonne_km > 0.0 {
            for (i, pair) in svc.route.iter().zip(svc.route.iter().cycle().skip(1)).enumerate() {
                let link = spec.sea_link_between(pair.0, pair.1);
                if let Some((lid, l)) = link
                    && l.distance_km.is_none()
                {
                    c.issue(
                        format!("sea_links.{lid}.distance_km"),
                        format!("missing: ship service {id:?} has an emission factor per tonne-km and sails this link (route[{i}])"),
                        "the sailing distance in km",
                    );
                }
            }
        }
    }
    for (id, svc) in &spec.train_services {
        let p = format!("train_services.{id}");
        money(c, format!("{p}.tariff_per_tonne"), svc.tariff_per_tonne);
        money(c, format!("{p}.co2_g_per_tonne_km"), svc.co2_g_per_tonne_km);
        for (unit, x) in &svc.tariff_per_unit {
            money(c, format!("{p}.tariff_per_unit.{unit}"), *x);
        }
        if svc.co2_g_per_tonne_km > 0.0 {
            let link = spec.rail_link_between(&svc.route[0], &svc.route[1]);
            if let Some((lid, l)) = link
                && l.length_km.is_none()
            {
                c.issue(
                    format!("rail_links.{lid}.length_km"),
                    format!("missing: train service {id:?} has an emission factor per tonne-km and runs on this line"),
                    "the line's length in km",
                );
            }
        }
    }
    for (id, pipe) in &spec.pipelines {
        let p = format!("pipelines.{id}");
        money(c, format!("{p}.tariff_per_tonne"), pipe.tariff_per_tonne);
        money(c, format!("{p}.co2_g_per_tonne_km"), pipe.co2_g_per_tonne_km);
        match pipe.length_km {
            Some(d) => c.number(format!("{p}.length_km"), d, 0.0, 100_000.0, true),
            None if pipe.co2_g_per_tonne_km > 0.0 => {
                c.issue(
                    format!("{p}.length_km"),
                    "missing: an emission factor per tonne-km needs the length",
                    "the length in km",
                );
            }
            None => {}
        }
    }
    c.issues.extend(super::planning::check(spec));
}
