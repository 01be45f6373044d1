//! Ports, berths, nodes and links.

use super::super::dist::DistSpec;
use super::super::schema::*;
use std::collections::BTreeMap;

impl PortSpec {
    /// A port with a yard of `yard_capacity_tonnes` and no berths yet.
    pub fn new(yard_capacity_tonnes: f64) -> PortSpec {
        PortSpec {
            name: None,
            yard_capacity_tonnes,
            berths: Default::default(),
            handling_in_storms: StormHandling::Pause,
            charge_per_tonne: 0.0,
            co2_kg_per_tonne: 0.0,
            depth_m: None,
            lon: None,
            lat: None,
        }
    }

    /// Where it is (degrees east and north), for the report's map and the GeoJSON file.
    pub fn at(mut self, lon: f64, lat: f64) -> Self {
        (self.lon, self.lat) = (Some(lon), Some(lat));
        self
    }

    /// The usable depth at its berths (metres), which limits what deep vessels load.
    pub fn depth_m(mut self, depth: f64) -> Self {
        self.depth_m = Some(depth);
        self
    }

    /// Its display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// What handling does while a storm closes the port (default: it pauses).
    pub fn handling_in_storms(mut self, handling: StormHandling) -> Self {
        self.handling_in_storms = handling;
        self
    }

    /// Adds (or replaces) the berth group of `class`.
    pub fn berths(mut self, class: BerthClass, berths: BerthSpec) -> Self {
        self.berths.insert(class, berths);
        self
    }
}

impl BerthSpec {
    /// `count` berths handling `tonnes_per_hour` each, with no fixed berthing time.
    pub fn rate(count: u32, tonnes_per_hour: f64) -> BerthSpec {
        BerthSpec {
            count,
            handling_tonnes_per_hour: Some(tonnes_per_hour),
            berthing_hours: 0.0,
            service_hours: None,
            unit_hours: BTreeMap::new(),
        }
    }

    /// `count` berths where a call takes a sampled time (hours).
    pub fn service(count: u32, hours: DistSpec) -> BerthSpec {
        BerthSpec {
            count,
            handling_tonnes_per_hour: None,
            berthing_hours: 0.0,
            service_hours: Some(hours),
            unit_hours: BTreeMap::new(),
        }
    }

    /// The berths also take `hours` per unit of `unit` moved on or off, loaded or
    /// empty (see `unit_hours` in docs/scenarios.md).
    pub fn unit_hours(mut self, unit: impl Into<String>, hours: f64) -> BerthSpec {
        self.unit_hours.insert(unit.into(), hours);
        self
    }
}

setters!(BerthSpec {
    /// Fixed berthing and unberthing time per call (hours), with a handling rate.
    berthing_hours: f64,
});

impl NodeSpec {
    /// A node of `kind`.
    pub fn new(kind: NodeKind) -> NodeSpec {
        NodeSpec { kind, ..NodeSpec::default() }
    }

    /// Where flows leave the model.
    pub fn destination() -> NodeSpec {
        NodeSpec::new(NodeKind::Destination)
    }

    /// Where flows enter the model.
    pub fn origin() -> NodeSpec {
        NodeSpec::new(NodeKind::Origin)
    }

    /// A rail terminal.
    pub fn rail_terminal() -> NodeSpec {
        NodeSpec::new(NodeKind::RailTerminal)
    }

    /// Where it is (degrees east and north), for the report's map and the GeoJSON file.
    pub fn at(mut self, lon: f64, lat: f64) -> Self {
        (self.lon, self.lat) = (Some(lon), Some(lat));
        self
    }

    /// Its display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }
}

impl SeaLinkSpec {
    /// A sea link between two ports, sailing for `hours` either way.
    pub fn new(a: impl Into<String>, b: impl Into<String>, hours: DistSpec) -> SeaLinkSpec {
        SeaLinkSpec { between: [a.into(), b.into()], sailing_hours: hours, distance_km: None }
    }
}

impl RailLinkSpec {
    /// A rail line between two nodes: transit `hours`, `trains_per_day` paths each way.
    pub fn new(a: impl Into<String>, b: impl Into<String>, hours: DistSpec, trains_per_day: f64) -> RailLinkSpec {
        RailLinkSpec { between: [a.into(), b.into()], transit_hours: hours, trains_per_day, length_km: None }
    }
}

setters!(PortSpec {
    /// Port dues and handling charged per tonne handled (the scenario's currency).
    charge_per_tonne: f64,
    /// CO2 of terminal handling, kg per tonne handled.
    co2_kg_per_tonne: f64,
    /// The yard's capacity (tonnes).
    yard_capacity_tonnes: f64,
});

setters!(BerthSpec {
    /// The number of berths.
    count: u32,
});

optional_setters!(BerthSpec {
    /// Handling rate per berth (tonnes an hour).
    handling_tonnes_per_hour: f64,
    /// Instead of a rate: a sampled time per call (hours).
    service_hours: DistSpec,
});

optional_setters!(NodeSpec {
    /// For a transfer node: servers working in parallel.
    servers: u32,
    /// For a transfer node: handling time per consignment (hours).
    dwell_hours: DistSpec,
});

optional_setters!(SeaLinkSpec {
    /// Its length (km), for costs and CO2.
    distance_km: f64,
});

optional_setters!(RailLinkSpec {
    /// Its length (km), for costs and CO2.
    length_km: f64,
});
