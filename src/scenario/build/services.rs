//! Ship services, train services, pipelines and ships arriving from outside.

use super::super::dist::DistSpec;
use super::super::schema::*;

impl ShipServiceSpec {
    /// `vessels` vessels of `capacity_tonnes` calling at `route` in a loop; they sail at
    /// 80 % full or after 48 hours of waiting for cargo.
    pub fn new<S: Into<String>>(
        class: BerthClass,
        vessels: u32,
        capacity_tonnes: f64,
        route: impl IntoIterator<Item = S>,
    ) -> ShipServiceSpec {
        ShipServiceSpec {
            name: None,
            class,
            vessels,
            capacity_tonnes,
            route: route.into_iter().map(Into::into).collect(),
            fill_threshold: 0.8,
            max_wait_hours: 48.0,
            wait_for_cargo_at: None,
            slots: Default::default(),
            deck: Default::default(),
            max_units: Default::default(),
            loading_order: Vec::new(),
            tariff_per_tonne: 0.0,
            tariff_per_unit: Default::default(),
            co2_g_per_tonne_km: 0.0,
            draught_m: None,
            tonnes_per_cm: None,
        }
    }

    /// Its design draught at full load (metres) and tonnes per centimetre of
    /// immersion: it loads only what the shallowest port of its route lets it float.
    pub fn draught(mut self, draught_m: f64, tonnes_per_cm: f64) -> Self {
        self.draught_m = Some(draught_m);
        self.tonnes_per_cm = Some(tonnes_per_cm);
        self
    }
}

setters!(ShipServiceSpec {
    /// Sail when loaded to at least this fraction of capacity (0–1).
    fill_threshold: f64,
    /// Sail after waiting this long for cargo (hours).
    max_wait_hours: f64,
});

impl TrainServiceSpec {
    /// Trains of `wagons` × `tonnes_per_wagon` from `route[0]` to `route[1]`, leaving
    /// when full (or after 48 hours with a part load).
    pub fn when_full<S: Into<String>>(
        route: [S; 2],
        trainsets: u32,
        wagons: u32,
        tonnes_per_wagon: f64,
    ) -> TrainServiceSpec {
        let [a, b] = route;
        TrainServiceSpec {
            name: None,
            route: [a.into(), b.into()],
            trainsets,
            wagons,
            tonnes_per_wagon,
            departure: DeparturePolicy::WhenFull,
            timetable_hours: None,
            max_wait_hours: 48.0,
            max_wait_from: WaitFrom::OldestCargo,
            loading_hours: 0.0,
            unloading_hours: 0.0,
            tariff_per_tonne: 0.0,
            tariff_per_unit: Default::default(),
            co2_g_per_tonne_km: 0.0,
        }
    }

    /// Trains leaving every `interval_hours` with whatever waits.
    pub fn timetable<S: Into<String>>(
        route: [S; 2],
        trainsets: u32,
        wagons: u32,
        tonnes_per_wagon: f64,
        interval_hours: f64,
    ) -> TrainServiceSpec {
        TrainServiceSpec {
            departure: DeparturePolicy::Timetable,
            timetable_hours: Some(interval_hours),
            ..TrainServiceSpec::when_full(route, trainsets, wagons, tonnes_per_wagon)
        }
    }
}

setters!(TrainServiceSpec {
    /// For trains leaving when full: leave with a part load after this long (hours).
    max_wait_hours: f64,
    /// Loading time at the origin (hours).
    loading_hours: f64,
    /// Unloading time at the destination (hours).
    unloading_hours: f64,
});

impl ShipArrivalSpec {
    /// `ships_per_year` ships (Poisson) of berth class `class` calling at `port`, each
    /// discharging `cargo_tonnes` that leaves the model there.
    pub fn new(
        port: impl Into<String>,
        class: BerthClass,
        ships_per_year: f64,
        cargo_tonnes: DistSpec,
    ) -> ShipArrivalSpec {
        ShipArrivalSpec {
            name: None,
            port: port.into(),
            class,
            ships_per_year,
            cargo_tonnes,
            continues_as: None,
            landing: Landing::AsHandled,
            parcel_tonnes: 500.0,
            tags: Vec::new(),
        }
    }

    /// The discharged cargo travels on as flow `flow` (whose route starts at this
    /// port), entering the yard as `landing` says.
    pub fn continues_as(mut self, flow: impl Into<String>, landing: Landing) -> Self {
        self.continues_as = Some(flow.into());
        self.landing = landing;
        self
    }
}

optional_setters!(ShipServiceSpec {
    /// Its display name.
    name: String,
});

setters!(ShipServiceSpec {
    /// The number of vessels.
    vessels: u32,
    /// Cargo capacity per vessel (tonnes).
    capacity_tonnes: f64,
    /// How units share the deck: `Shared` (a unit takes 1/slots of it) or `Separate`.
    deck: DeckSharing,
    /// What cargo pays for the trip, per tonne (the scenario's currency).
    tariff_per_tonne: f64,
    /// Emission factor, g CO2 per tonne-km (well to wake).
    co2_g_per_tonne_km: f64,
});

name_list_setters!(ShipServiceSpec {
    /// The order in which units are loaded, e.g. `["wagon", "truck"]`.
    loading_order,
});

impl ShipServiceSpec {
    /// The ports where a vessel waits for cargo (up to `fill_threshold` or
    /// `max_wait_hours`); elsewhere it loads what is waiting and sails. Default: every
    /// port of the route.
    pub fn wait_for_cargo_at<S: Into<String>>(mut self, ports: impl IntoIterator<Item = S>) -> Self {
        self.wait_for_cargo_at = Some(ports.into_iter().map(Into::into).collect());
        self
    }

    /// A vessel has `count` slots for units of `unit` (e.g. 54 wagons); call once per
    /// unit, in the order the file would list them.
    pub fn slots(mut self, unit: impl Into<String>, count: u32) -> Self {
        self.slots.insert(unit.into(), count);
        self
    }

    /// A vessel takes at most `count` units of `unit`, below its slots.
    pub fn max_units(mut self, unit: impl Into<String>, count: u32) -> Self {
        self.max_units.insert(unit.into(), count);
        self
    }

    /// What cargo pays per `unit` carried (the scenario's currency).
    pub fn tariff_per_unit(mut self, unit: impl Into<String>, tariff: f64) -> Self {
        self.tariff_per_unit.insert(unit.into(), tariff);
        self
    }
}

optional_setters!(TrainServiceSpec {
    /// Its display name.
    name: String,
});

setters!(TrainServiceSpec {
    /// The number of trainsets.
    trainsets: u32,
    /// Wagons a train.
    wagons: u32,
    /// Tonnes a wagon.
    tonnes_per_wagon: f64,
    /// Where a part-loaded train's `max_wait_hours` counts from.
    max_wait_from: WaitFrom,
    /// What cargo pays for the trip, per tonne (the scenario's currency).
    tariff_per_tonne: f64,
    /// Emission factor, g CO2 per tonne-km.
    co2_g_per_tonne_km: f64,
});

impl TrainServiceSpec {
    /// What cargo pays per `unit` carried (the scenario's currency).
    pub fn tariff_per_unit(mut self, unit: impl Into<String>, tariff: f64) -> Self {
        self.tariff_per_unit.insert(unit.into(), tariff);
        self
    }
}

impl PipelineSpec {
    /// A pipeline from `from` to `to` pumping `tonnes_per_hour` (for the modelled
    /// cargo), with no transit time until one is set.
    pub fn new(from: impl Into<String>, to: impl Into<String>, tonnes_per_hour: f64) -> PipelineSpec {
        PipelineSpec {
            name: None,
            route: [from.into(), to.into()],
            tonnes_per_hour,
            transit_hours: None,
            length_km: None,
            tariff_per_tonne: 0.0,
            co2_g_per_tonne_km: 0.0,
        }
    }
}

optional_setters!(PipelineSpec {
    /// Its display name.
    name: String,
    /// Time from entry to delivery (hours).
    transit_hours: DistSpec,
    /// Its length (km), for costs and CO2.
    length_km: f64,
});

setters!(PipelineSpec {
    /// Pumping capacity available to the modelled cargo (tonnes an hour).
    tonnes_per_hour: f64,
    /// What cargo pays per tonne (the scenario's currency).
    tariff_per_tonne: f64,
    /// Emission factor, g CO2 per tonne-km (pumping).
    co2_g_per_tonne_km: f64,
});

optional_setters!(ShipArrivalSpec {
    /// Its display name.
    name: String,
});

setters!(ShipArrivalSpec {
    /// Ships a year (Poisson).
    ships_per_year: f64,
    /// Tonnes a parcel of discharged cargo (what the yard receives at a time).
    parcel_tonnes: f64,
});

impl ShipArrivalSpec {
    /// Adds a tag (for variants that scale demand).
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }
}
